"""Floods the daemon's input as fast as one pyzmq PUB can, then exits once every message left.

  flood_peer.py --input ENDPOINT --messages N --per-message K --series S [--start T]

Message m carries K JSON lines, record i of the flood going to series flood-(i % S) at time
T + i // S (one point per second per series, strictly increasing), so every record is valid
and the daemon can only accept it or drop it for overload. SNDHWM is 0 and linger unbounded:
this side never drops, so whatever the daemon does not count was lost by the daemon.
Prints {"sent_messages": N, "sent_records": N*K, "seconds": …} at the end.
"""
import argparse
import json
import time

import zmq


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--messages", type=int, required=True)
    parser.add_argument("--per-message", type=int, default=100)
    parser.add_argument("--series", type=int, default=10)
    parser.add_argument("--start", type=float, default=1_700_000_000.0)
    parser.add_argument("--settle", type=float, default=1.0)
    args = parser.parse_args()

    context = zmq.Context()
    pub = context.socket(zmq.PUB)
    pub.setsockopt(zmq.SNDHWM, 0)
    pub.setsockopt(zmq.LINGER, -1)
    pub.connect(args.input)
    time.sleep(args.settle)  # the slow joiner: the subscription must arrive first

    # Payloads are built up front, so that the loop below measures sending only.
    payloads = []
    record = 0
    for _ in range(args.messages):
        lines = []
        for _ in range(args.per_message):
            series, step = record % args.series, record // args.series
            value = ((step * 7919) % 1000) / 1000.0
            lines.append('{"series":"flood-%d","ts":%.1f,"value":%.3f}' % (series, args.start + step, value))
            record += 1
        payloads.append("\n".join(lines).encode())
    began = time.monotonic()
    for payload in payloads:
        pub.send(payload)
    seconds = time.monotonic() - began
    pub.close()  # linger -1: returns once everything was handed to TCP
    context.term()
    print(json.dumps({"sent_messages": args.messages, "sent_records": record, "seconds": seconds}), flush=True)


if __name__ == "__main__":
    main()
