#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// anomalyd-bench SUITE: one `name value unit` line per figure (SPEC §6).
// Speeds are only comparable as ratios measured in one run, side by side with a peer.

let suites: [(name: String, run: () throws -> Void, about: String)] = [
    ("records", runRecordsBenchmark, "record codecs, records/s on one core"),
]

let requested = Array(CommandLine.arguments.dropFirst())
if requested.isEmpty || requested.contains(where: { $0 == "-h" || $0 == "--help" }) {
    print("usage: anomalyd-bench SUITE...   (or `all`)")
    for suite in suites { print("  \(suite.name)\t\(suite.about)") }
} else {
    for name in requested {
        let chosen = name == "all" ? suites : suites.filter { $0.name == name }
        if chosen.isEmpty {
            print("anomalyd-bench: unknown suite \(name)")
            exit(64)
        }
        for suite in chosen {
            do { try suite.run() } catch {
                print("anomalyd-bench: \(suite.name) failed: \(error)")
                exit(1)
            }
        }
    }
}
