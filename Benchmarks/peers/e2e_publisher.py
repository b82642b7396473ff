#!/usr/bin/env python3
"""The load generator of the end-to-end benchmark, shared by `anomalyd-bench e2e` and pyzmq_torch.py.

A separate process that connects a PUB socket to the pipeline under test and sends JSON records
(docs/DESIGN.md §3), `--batch` records per message, for `--series` series over `--steps` time steps (one
second apart, starting at step `--start-step`, so phases never repeat a timestamp). Values are a
sine wave per series (its own phase) plus a little noise. With `--spike-every K`, every K-th record
is replaced by a spike of 12, far outside the wave's range, and its send time is recorded: the
harness matches those to the alerts it receives to get record-to-alert latency.

`--rate R` paces the sending at R records/s (sleeping, then spinning the last 0.2 ms before each
message); `--rate 0` sends as fast as the socket takes them. Messages are built
before the clock starts when `--prebuild` is given (for throughput runs, so Python's string
formatting is not what is measured); otherwise they are built on the fly in chunks.

The send high-water mark is unlimited: a pipeline that falls behind makes messages queue here,
never drops them, so "records/s with no drops" is what the receiving side reaches.

At the end it prints one JSON line: {"sent", "messages", "first_send", "last_send", "spikes",
"late_messages", "max_lag"}, times as Unix seconds (the same clock as the receivers'), spikes as
[series, ts, send_time]. When paced, "late_messages" counts messages sent more than 1 ms after
their scheduled time (the process did not get the CPU in time; the messages it then owes go out
back to back, as a burst) and "max_lag" is the latest, in seconds.
"""
import argparse
import json
import math
import random
import sys
import time

import zmq

ORIGIN = 1_700_000_000


def series_name(index):
    return f"bench.s{index}"


def build_messages(args, spikes_out):
    """Yields (payload bytes, [(series, ts) of spikes in it]) in send order."""
    rng = random.Random(args.seed + args.start_step)
    phases = [2 * math.pi * ((i * 0.6180339887) % 1.0) for i in range(args.series)]
    batch, spiked, count = [], [], 0
    for step in range(args.start_step, args.start_step + args.steps):
        ts = ORIGIN + step
        wave = 2 * math.pi * step / args.period
        for i in range(args.series):
            count += 1
            if args.spike_every and count % args.spike_every == 0:
                value = 12.0
                spiked.append((series_name(i), ts))
            else:
                value = math.sin(wave + phases[i]) + 0.05 * rng.random()
            batch.append(f'{{"series":"bench.s{i}","ts":{ts},"value":{value:.4f}}}')
            if len(batch) == args.batch:
                yield "\n".join(batch).encode(), spiked
                batch, spiked = [], []
    if batch:
        yield "\n".join(batch).encode(), spiked


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--start-step", type=int, default=0)
    parser.add_argument("--period", type=float, default=60.0, help="sine period in steps")
    parser.add_argument("--batch", type=int, default=100, help="records per message")
    parser.add_argument("--rate", type=float, default=0.0, help="records/s; 0 = unpaced")
    parser.add_argument("--spike-every", type=int, default=0)
    parser.add_argument("--prebuild", action="store_true")
    parser.add_argument("--connect-wait", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    context = zmq.Context()
    socket = context.socket(zmq.PUB)
    socket.setsockopt(zmq.SNDHWM, 0)
    socket.setsockopt(zmq.LINGER, -1)
    socket.connect(args.endpoint)
    time.sleep(args.connect_wait)  # a PUB drops what it sends before the connection is up

    spikes = []
    messages = build_messages(args, spikes)
    if args.prebuild:
        messages = list(messages)
    sent = count = late = 0
    max_lag = 0.0
    first = last = None
    interval = args.batch / args.rate if args.rate > 0 else 0.0
    next_at = time.perf_counter()
    for payload, spiked in messages:
        if interval:
            # Sleep most of the gap and spin the last 0.2 ms: the pace holds without taking a
            # core from the pipeline under test (the machine may have only two).
            gap = next_at - time.perf_counter()
            if gap > 0.0004:
                time.sleep(gap - 0.0002)
            while time.perf_counter() < next_at:
                pass
            lag = time.perf_counter() - next_at
            max_lag = max(max_lag, lag)
            late += lag > 0.001
            next_at += interval
        now = time.time()
        socket.send(payload, copy=False)
        if first is None:
            first = now
        last = now
        for series, ts in spiked:
            spikes.append([series, ts, now])
        sent += payload.count(b"\n") + 1
        count += 1
    socket.close()  # linger -1: returns once everything queued has gone out
    context.term()
    print(json.dumps({"sent": sent, "messages": count, "first_send": first, "last_send": last,
                      "spikes": spikes, "late_messages": late, "max_lag": max_lag}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
