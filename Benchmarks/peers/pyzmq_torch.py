#!/usr/bin/env python3
"""The `anomalyd-bench e2e` work done the way a Python user would glue it together.

The pipeline (`--pipeline`, run as its own process): a pyzmq SUB socket, `json.loads` per record,
numpy ring buffers (one row of 120 per series), per-series normalisation, torch batch scoring of
the same VAE as torch_vae.py (reconstruction NLL + latent Mahalanobis distance), a threshold at the
99.99th percentile of the training scores, open/resolved alert state per series, alerts as JSON on
a pyzmq PUB socket, and training (Adam) on a thread with a model swap. Its counters are served on a
REP socket, polled alongside the SUB socket.

The harness (the default) drives it exactly as `anomalyd-bench e2e` drives `anomalyd run`: the
same publisher process (e2e_publisher.py), the same stream (1,000 series, window 120, stride 1),
the same phases, and prints the same lines:

    e2e.throughput N records/s           2,000,000 records unpaced, after warm-up and training
    e2e.latency.p50 / p99 S s            spike send -> open alert at 100,000 records/s
    e2e.latency.p99.retraining S s       the same while training runs back to back
    e2e.rss.series1000 ... B bytes       resident set after three points of every series

`--only throughput|latency|retraining|rss` runs one phase. Run with OPENBLAS_NUM_THREADS=1; torch
is pinned to one thread for scoring and one for training, as anomalyd uses one of each.
"""
import argparse
import json
import math
import os
import socket
import subprocess
import sys
import threading
import time

import numpy as np
import torch
import zmq

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from torch_vae import DonutVAE, gaussian_nll, loss_fn  # noqa: E402  (the same VAE as the vae peer)

WINDOW, HIDDEN, LATENT, EPS = 120, [100, 100], 8, 1e-4
SERIES = 1000
WARMUP_STEPS = 140
THROUGHPUT_RECORDS = 2_000_000
LATENCY_RATE, LATENCY_SECONDS, SPIKE_EVERY = 100_000, 10.0, 997
MIN_WINDOWS, RESERVOIR, EPOCHS, BATCH = 2000, 10000, 5, 256
RESOLVE_AFTER = 5


# ----------------------------------------------------------------------------------------------
# The pipeline


class Model:
    """A trained VAE with its latent statistics and threshold."""

    def __init__(self, vae, latent_mean, latent_precision, threshold):
        self.vae, self.latent_mean, self.latent_precision, self.threshold = (
            vae, latent_mean, latent_precision, threshold)

    def score(self, x):
        with torch.inference_mode():
            mu_z = self.vae.enc_mu(self.vae.encoder(x))
            mu_x, sigma_x = self.vae.decode(mu_z)
            nll = gaussian_nll(x, mu_x, sigma_x)
            d = mu_z - self.latent_mean
            distance = ((d @ self.latent_precision) * d).sum(-1).clamp_min(0).sqrt()
            return (nll + distance).numpy()


def train(windows, previous):
    """Trains (warm-started from `previous`) on normalised windows; returns a Model."""
    torch.set_num_threads(1)
    vae = DonutVAE(WINDOW, HIDDEN, LATENT, EPS)
    if previous is not None:
        vae.load_state_dict(previous.vae.state_dict())
    x = torch.from_numpy(windows)
    mask = torch.ones_like(x)
    optimizer = torch.optim.Adam(vae.parameters(), lr=1e-3, weight_decay=1e-4)
    for _ in range(EPOCHS):
        order = torch.randperm(len(x))
        for start in range(0, len(x), BATCH):
            rows = order[start:start + BATCH]
            optimizer.zero_grad(set_to_none=True)
            loss_fn(vae, x[rows], mask[rows]).backward()
            optimizer.step()
    vae.eval()
    with torch.inference_mode():
        mu_z = vae.enc_mu(vae.encoder(x))
        mean = mu_z.mean(0)
        cov = torch.cov(mu_z.T) + 1e-4 * torch.eye(LATENT)
        precision = torch.linalg.inv(cov)
    model = Model(vae, mean, precision, float("inf"))
    scores = model.score(x)
    model.threshold = float(np.quantile(scores, 0.9999))
    return model


class Pipeline:
    def __init__(self, args):
        self.context = zmq.Context()
        self.sub = self.context.socket(zmq.SUB)
        self.sub.setsockopt(zmq.RCVHWM, 0)
        self.sub.setsockopt(zmq.SUBSCRIBE, b"")
        self.sub.bind(args.input)
        self.pub = self.context.socket(zmq.PUB)
        self.pub.setsockopt(zmq.SNDHWM, 0)
        self.pub.bind(args.output)
        self.stats = self.context.socket(zmq.REP)
        self.stats.bind(args.stats)
        self.retrain = args.retrain
        capacity = args.max_series
        self.index = {}
        self.names = []
        self.ring = np.zeros((capacity, WINDOW), dtype=np.float32)
        self.count = np.zeros(capacity, dtype=np.int64)
        self.last_ts = np.zeros(capacity, dtype=np.float64)
        self.median = np.zeros(capacity, dtype=np.float32)
        self.scale = np.zeros(capacity, dtype=np.float32)   # 0: not fitted yet
        self.quiet = {}  # series index -> normal windows since the last anomalous one, while open
        self.reservoir = np.zeros((RESERVOIR, WINDOW), dtype=np.float32)
        self.reservoir_size = 0
        self.seen_windows = 0
        self.model = None
        self.training = None
        self.received = self.scored = self.trained = self.alerts = 0

    def windows(self, rows):
        """The last WINDOW values of each series in `rows`, oldest first: [len(rows), WINDOW]."""
        offsets = (self.count[rows, None] - WINDOW + np.arange(WINDOW)[None, :]) % WINDOW
        return self.ring[rows[:, None], offsets]

    def run(self):
        poller = zmq.Poller()
        poller.register(self.sub, zmq.POLLIN)
        poller.register(self.stats, zmq.POLLIN)
        pending_rows, pending_ts = [], []
        while True:
            events = dict(poller.poll(100))
            if self.stats in events:
                request = self.stats.recv()
                if request == b"stop":
                    self.stats.send(b"{}")
                    return
                self.stats.send_json({"received": self.received, "scored": self.scored,
                                      "trained": self.trained, "alerts": self.alerts,
                                      "series": len(self.names)})
            if self.sub in events:
                for _ in range(1000):
                    try:
                        payload = self.sub.recv(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    for line in payload.split(b"\n"):
                        record = json.loads(line)
                        name, ts, value = record["series"], float(record["ts"]), float(record["value"])
                        self.received += 1
                        i = self.index.get(name)
                        if i is None:
                            if len(self.names) >= len(self.count):
                                continue
                            i = self.index[name] = len(self.names)
                            self.names.append(name)
                        elif ts <= self.last_ts[i]:
                            continue
                        self.last_ts[i] = ts
                        self.ring[i, self.count[i] % WINDOW] = value
                        self.count[i] += 1
                        if self.count[i] >= WINDOW:
                            pending_rows.append(i)
                            pending_ts.append(ts)
                if pending_rows:
                    self.score(np.array(pending_rows), pending_ts)
                    pending_rows, pending_ts = [], []
            self.manage_training()

    def score(self, rows, ts):
        raw = self.windows(rows)
        unfitted = self.scale[rows] == 0
        if unfitted.any():
            fit = rows[unfitted]
            q25, q50, q75 = np.quantile(raw[unfitted], [0.25, 0.5, 0.75], axis=1)
            self.median[fit] = q50
            self.scale[fit] = np.maximum((q75 - q25) / 1.349, 1e-3)
        x = (raw - self.median[rows, None]) / self.scale[rows, None]
        model = self.model
        anomalous = np.zeros(len(rows), dtype=bool)
        if model is not None:
            scores = model.score(torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)))
            self.scored += len(rows)
            anomalous = scores > model.threshold
            for k in np.flatnonzero(anomalous | np.isin(rows, list(self.quiet))):
                self.alert_state(int(rows[k]), ts[k], bool(anomalous[k]), float(scores[k]), model.threshold)
        # Normal windows feed the training reservoir (reservoir sampling).
        for k in np.flatnonzero(~anomalous):
            self.seen_windows += 1
            if self.reservoir_size < RESERVOIR:
                self.reservoir[self.reservoir_size] = x[k]
                self.reservoir_size += 1
            else:
                j = np.random.randint(self.seen_windows)
                if j < RESERVOIR:
                    self.reservoir[j] = x[k]

    def alert_state(self, i, ts, anomalous, score, threshold):
        if anomalous:
            if i not in self.quiet:
                self.publish(i, ts, "open", score, threshold)
            self.quiet[i] = 0
        elif i in self.quiet:
            self.quiet[i] += 1
            if self.quiet[i] >= RESOLVE_AFTER:
                del self.quiet[i]
                self.publish(i, ts, "resolved", score, threshold)

    def publish(self, i, ts, state, score, threshold):
        name = self.names[i]
        message = {"kind": "anomaly", "state": state, "series": name, "group": "bench", "ts": ts,
                   "score": score, "threshold": threshold}
        self.pub.send_multipart([f"alert.bench.{name}".encode(), json.dumps(message).encode()])
        self.alerts += 1

    def manage_training(self):
        if self.training is not None and not self.training.is_alive():
            self.training = None
        if self.training is not None or self.reservoir_size < MIN_WINDOWS:
            return
        if self.model is not None and not self.retrain:
            return
        windows = self.reservoir[:self.reservoir_size].copy()
        previous = self.model

        def job():
            model = train(windows, previous)
            self.model = model  # the swap: one reference assignment
            self.trained += 1

        self.training = threading.Thread(target=job, daemon=True)
        self.training.start()


# ----------------------------------------------------------------------------------------------
# The harness


def free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


class RunningPipeline:
    def __init__(self, retrain, max_series=10_000):
        ports = free_ports(3)
        self.input, self.output, stats = (f"tcp://127.0.0.1:{p}" for p in ports)
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--pipeline", "--input", self.input, "--output", self.output,
             "--stats", stats, "--max-series", str(max_series)] + (["--retrain"] if retrain else []))
        self.context = zmq.Context()
        self.requests = self.context.socket(zmq.REQ)
        self.requests.connect(stats)
        self.stats()  # answers once its sockets are bound: a publisher started earlier would lose records

    def stats(self):
        self.requests.send(b"stats")
        if not self.requests.poll(60_000):
            raise RuntimeError("the pipeline stopped answering")
        return self.requests.recv_json()

    def wait_for(self, key, at_least, timeout):
        deadline = time.time() + timeout
        while True:
            if self.stats()[key] >= at_least:
                return time.time()
            if time.time() > deadline:
                raise RuntimeError(f"{key} did not reach {at_least} within {timeout} s")
            time.sleep(0.02)

    def rss(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return -1

    def stop(self):
        try:
            self.requests.send(b"stop")
            self.requests.poll(10_000)
        finally:
            self.process.kill()
            self.process.wait()
            self.context.destroy(linger=0)


def publish(pipeline, steps, start_step, series=SERIES, batch=100, rate=0, spike_every=0, prebuild=False):
    command = [sys.executable, os.path.join(HERE, "e2e_publisher.py"), "--endpoint", pipeline.input,
               "--series", str(series), "--steps", str(steps), "--start-step", str(start_step),
               "--batch", str(batch), "--rate", str(rate), "--spike-every", str(spike_every)]
    if prebuild:
        command.append("--prebuild")
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def warm_up(pipeline):
    publish(pipeline, WARMUP_STEPS, 0)
    pipeline.wait_for("trained", 1, 600)
    return WARMUP_STEPS


def measure_latency(pipeline, start_step):
    context = zmq.Context()
    sub = context.socket(zmq.SUB)
    sub.setsockopt(zmq.RCVHWM, 0)
    sub.setsockopt(zmq.SUBSCRIBE, b"alert.")
    sub.connect(pipeline.output)
    time.sleep(0.3)
    opened, episodes, running = {}, {}, True

    def collect():
        while running:
            if not sub.poll(100):
                continue
            _, body = sub.recv_multipart()
            now = time.time()
            alert = json.loads(body)
            series, ts = alert["series"], float(alert["ts"])
            if alert["state"] == "open":
                opened.setdefault((series, ts), now)
                episodes.setdefault(series, []).append([ts, math.inf])
            elif alert["state"] == "resolved" and episodes.get(series):
                episodes[series][-1][1] = ts

    thread = threading.Thread(target=collect)
    thread.start()
    steps = int(LATENCY_RATE * LATENCY_SECONDS) // SERIES
    run = publish(pipeline, steps, start_step, batch=100, rate=LATENCY_RATE, spike_every=SPIKE_EVERY,
                  prebuild=True)
    time.sleep(1)
    running = False
    thread.join()
    sub.close()
    context.term()
    # As in anomalyd-bench: a spike inside an episode already open on its series is left out; one
    # that never alerted counts as infinitely late.
    latencies, covered = [], 0
    for series, ts, sent in run["spikes"]:
        ts = float(ts)
        if (series, ts) in opened:
            latencies.append(opened[(series, ts)] - sent)
        elif any(start < ts <= end for start, end in episodes.get(series, [])):
            covered += 1
        else:
            latencies.append(math.inf)
    missing = sum(1 for x in latencies if math.isinf(x))
    print(f"# {len(run['spikes'])} spikes: {len(latencies) - missing} alerted, {missing} never, "
          f"{covered} inside an episode already open", flush=True)
    return latencies


def percentile(values, p):
    """The same nearest-rank percentile as anomalyd-bench (infinities allowed)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * p))]


def report(name, value, unit):
    print(f"{name} {value:.6f} {unit}" if unit == "s" else f"{name} {value:.0f} {unit}", flush=True)


def harness(only):
    if only in (None, "throughput", "latency"):
        pipeline = RunningPipeline(retrain=False)
        try:
            step = warm_up(pipeline)
            if only != "latency":
                before = pipeline.stats()["received"]
                run = publish(pipeline, THROUGHPUT_RECORDS // SERIES, step, prebuild=True)
                step += THROUGHPUT_RECORDS // SERIES
                done = pipeline.wait_for("received", before + run["sent"], 600)
                if pipeline.stats()["received"] != before + run["sent"]:
                    raise RuntimeError("records were lost")
                report("e2e.throughput", run["sent"] / (done - run["first_send"]), "records/s")
            if only != "throughput":
                latencies = measure_latency(pipeline, step)
                report("e2e.latency.p50", percentile(latencies, 0.5), "s")
                report("e2e.latency.p99", percentile(latencies, 0.99), "s")
        finally:
            pipeline.stop()
    if only in (None, "retraining"):
        pipeline = RunningPipeline(retrain=True)
        try:
            step = warm_up(pipeline)
            trained = pipeline.stats()["trained"]
            latencies = measure_latency(pipeline, step)
            trainings = pipeline.stats()["trained"] - trained
            report("e2e.latency.p99.retraining", percentile(latencies, 0.99), "s")
            print(f"# {trainings} trainings finished during the retraining phase", flush=True)
        finally:
            pipeline.stop()
    if only in (None, "rss"):
        for series in (1_000, 100_000, 1_000_000):
            pipeline = RunningPipeline(retrain=False, max_series=series + 1000)
            try:
                run = publish(pipeline, 3, 0, series=series)
                pipeline.wait_for("received", run["sent"], 900)
                report(f"e2e.rss.series{series}", pipeline.rss(), "bytes")
            finally:
                pipeline.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pipeline", action="store_true", help="run the pipeline (used by the harness)")
    parser.add_argument("--input")
    parser.add_argument("--output")
    parser.add_argument("--stats")
    parser.add_argument("--retrain", action="store_true")
    parser.add_argument("--max-series", type=int, default=10_000)
    parser.add_argument("--only", choices=["throughput", "latency", "retraining", "rss"])
    args = parser.parse_args()
    if args.pipeline:
        torch.set_num_threads(1)
        torch.manual_seed(42)
        np.random.seed(42)
        Pipeline(args).run()
    else:
        harness(args.only)


if __name__ == "__main__":
    main()
