#!/usr/bin/env python3
"""Stands in for systemd's notify socket: binds an AF_UNIX datagram socket at argv[1] and prints
every datagram received as one JSON line {"t": <monotonic seconds>, "state": "<text>"}."""
import json
import os
import socket
import sys
import time

path = sys.argv[1]
if os.path.exists(path):
    os.unlink(path)
listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
listener.bind(path)
print(json.dumps({"t": time.monotonic(), "state": "LISTENING=1"}), flush=True)
while True:
    data = listener.recv(65536)
    print(json.dumps({"t": time.monotonic(), "state": data.decode("utf-8", "replace")}), flush=True)
