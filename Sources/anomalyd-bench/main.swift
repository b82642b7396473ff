#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// anomalyd-bench SUITE [FIGURE]: one `name value unit` line per figure (docs/DESIGN.md §6).
// Speeds are only comparable as ratios measured in one run, side by side with a peer
// (Benchmarks/peers/), which prints the same names for the same work.

import VAE

BLASKernels.reexecutingIfMisdetected()

let suites: [(name: String, run: (String?) -> Void, about: String)] = [
    ("records", { _ in runRecordsBenchmark() }, "record codecs, records/s on one core"),
    ("vae", { runVAEBenchmark(only: $0) }, "VAE scoring and training on one core [batch1|batch256|train]"),
    ("e2e", { runEndToEndBenchmark(only: $0) },
     "the anomalyd binary fed over ZeroMQ by a separate publisher [throughput|latency|retraining|stalled|rss]"),
    ("detect", { _ in runDetectBenchmark() },
     "the anomalyd binary's detect over a 6,000-row series, training included: defaults against Config/nab.toml"),
    ("series", { runSeriesMemoryBenchmark(count: $0) }, "memory of many series, window 120 × 1 [COUNT, default 1000000]"),
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, !["-h", "--help"].contains(name) else {
    print("usage: anomalyd-bench SUITE [FIGURE]   (SUITE `all` runs every suite)")
    for suite in suites { print("  \(suite.name)\t\(suite.about)") }
    exit(arguments.isEmpty ? 64 : 0)
}
let chosen = name == "all" ? suites : suites.filter { $0.name == name }
if chosen.isEmpty {
    print("anomalyd-bench: unknown suite \(name)")
    exit(64)
}
for suite in chosen { suite.run(arguments.dropFirst().first) }
