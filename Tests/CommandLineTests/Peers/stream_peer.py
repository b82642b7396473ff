#!/usr/bin/env python3
"""A pyzmq peer of `anomalyd run` for the command-line tests.

It plays a producer (PUB, connecting to the daemon's input) and a consumer (SUB, connecting to the
daemon's output) at once, and runs a script of actions given as positional arguments, in order:

  send:PATH           publish every line of PATH (records), --per-message lines per message
  big:BYTES:COUNT     publish COUNT single-frame messages of BYTES bytes each
  wait-model:EVENT    wait until a `model.*` message with "event": EVENT arrives (timeout → exit 3)
  wait-alerts:N       wait until N alert messages arrived (timeout → exit 3)
  sleep:SECONDS       sleep
  quiet:SECONDS       wait until nothing arrived for SECONDS

Every received message is printed to stdout at once as one JSON line
{"topic": "...", "body": <parsed JSON or the raw text>}; the last line is {"done": true}.
With --curve-server-key the sockets are CURVE clients: --curve-client NAME uses NAME.key/NAME.pub
(as written by `anomalyd keygen --out NAME`), otherwise a fresh, unknown key pair is used.
"""
import argparse
import json
import sys
import time

import zmq


def log(text):
    sys.stderr.write(f"stream_peer: {text}\n")
    sys.stderr.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", help="the daemon's input endpoint (we PUB to it)")
    parser.add_argument("--output", help="the daemon's output endpoint (we SUB from it)")
    parser.add_argument("--subscribe", default="", help="topic prefix for the output SUB")
    parser.add_argument("--topic", help="send [topic, payload] instead of single frames")
    parser.add_argument("--per-message", type=int, default=1)
    parser.add_argument("--settle", type=float, default=1.0, help="seconds to wait after connecting")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--interval", type=float, default=0.0, help="seconds between messages")
    parser.add_argument("--loop", action="store_true", help="repeat the actions until killed")
    parser.add_argument("--linger", type=float, default=5.0, help="seconds queued messages get at exit")
    parser.add_argument("--curve-server-key")
    parser.add_argument("--curve-client")
    parser.add_argument("actions", nargs="*")
    args = parser.parse_args()

    context = zmq.Context()

    def secure(socket):
        if not args.curve_server_key:
            return
        if args.curve_client:
            secret = open(args.curve_client + ".key").read().strip().encode()
            public = open(args.curve_client + ".pub").read().strip().encode()
        else:
            public, secret = zmq.curve_keypair()
        socket.curve_serverkey = args.curve_server_key.encode()
        socket.curve_publickey = public
        socket.curve_secretkey = secret

    pub = None
    if args.input:
        pub = context.socket(zmq.PUB)
        pub.setsockopt(zmq.SNDHWM, 0)  # never drop: the tests count every record
        secure(pub)
        pub.connect(args.input)
    sub = None
    if args.output:
        sub = context.socket(zmq.SUB)
        sub.setsockopt(zmq.RCVHWM, 0)
        secure(sub)
        sub.setsockopt(zmq.SUBSCRIBE, args.subscribe.encode())
        sub.connect(args.output)
    poller = zmq.Poller()
    if sub is not None:
        poller.register(sub, zmq.POLLIN)

    state = {"alerts": 0, "models": [], "last": time.monotonic()}

    def pump(timeout_ms):
        if sub is None:
            time.sleep(timeout_ms / 1000)
            return
        events = dict(poller.poll(timeout_ms))
        while sub in events:
            frames = sub.recv_multipart()
            topic = frames[0].decode("utf-8", "replace")
            text = frames[-1].decode("utf-8", "replace")
            try:
                body = json.loads(text)
            except ValueError:
                body = text
            print(json.dumps({"topic": topic, "body": body}), flush=True)
            state["last"] = time.monotonic()
            if topic.startswith("model."):
                state["models"].append(body.get("event") if isinstance(body, dict) else None)
            else:
                state["alerts"] += 1
            events = dict(poller.poll(0))

    def wait(condition, what):
        deadline = time.monotonic() + args.timeout
        while not condition():
            if time.monotonic() > deadline:
                log(f"timed out waiting for {what}")
                print(json.dumps({"timeout": what}), flush=True)
                sys.exit(3)
            pump(50)

    def send(payload):
        if args.topic is not None:
            pub.send_multipart([args.topic.encode(), payload])
        else:
            pub.send(payload)

    time.sleep(args.settle)
    first = True
    while first or args.loop:
        first = False
        run(args, state, send, pump, wait)
    print(json.dumps({"done": True}), flush=True)
    linger = int(args.linger * 1000)
    if pub is not None:
        pub.close(linger=linger)
    if sub is not None:
        sub.close(linger=0)
    context.term()


def run(args, state, send, pump, wait):
    for action in args.actions:
        name, _, argument = action.partition(":")
        if name == "send":
            with open(argument, "rb") as handle:
                lines = [line.rstrip(b"\n") for line in handle if line.strip()]
            for start in range(0, len(lines), args.per_message):
                send(b"\n".join(lines[start:start + args.per_message]))
                if args.interval > 0:
                    pump(int(args.interval * 1000))
                elif start % 2000 == 0:
                    pump(0)
        elif name == "big":
            size, count = (int(x) for x in argument.split(":"))
            for _ in range(count):
                send(b"x" * size)
        elif name == "wait-model":
            wait(lambda: argument in state["models"], f"model event {argument}")
        elif name == "wait-alerts":
            wait(lambda: state["alerts"] >= int(argument), f"{argument} alerts")
        elif name == "sleep":
            deadline = time.monotonic() + float(argument)
            while time.monotonic() < deadline:
                pump(50)
        elif name == "quiet":
            state["last"] = time.monotonic()
            wait(lambda: time.monotonic() - state["last"] >= float(argument), "quiet")
        else:
            log(f"unknown action {action}")
            sys.exit(2)


if __name__ == "__main__":
    main()
