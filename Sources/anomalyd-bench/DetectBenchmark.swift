import Foundation

/// `anomalyd-bench detect`: how fast the real `anomalyd detect` streams a CSV, training included.
///
/// The series is 6,000 rows at a 5-minute step (about 21 days): a daily sine with Gaussian noise
/// and one 10σ spike, generated from a fixed seed. It is run with `detect`'s defaults (no
/// `--config`) and with `Config/nab.toml`, alternately, three times each, and the median wall time
/// of each gives `detect.defaults` and `detect.nab` in rows/s, and their ratio. Wall time of the
/// whole process, because training (which runs inline in `detect`) is what dominates it.
func runDetectBenchmark() {
    do {
        let bench = try EndToEndBench()
        let csv = bench.workDirectory.appendingPathComponent("detect-series.csv")
        let rows = 6000
        try detectSeries(rows: rows).write(to: csv, atomically: true, encoding: .utf8)
        // The repository this file was compiled from holds the NAB configuration.
        let nabConfig = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/nab.toml")
        let runs: [(name: String, arguments: [String])] = [
            ("defaults", []),
            ("nab", FileManager.default.fileExists(atPath: nabConfig.path) ? ["--config", nabConfig.path] : []),
        ]
        if runs[1].arguments.isEmpty {
            print("# detect.nab skipped: no \(nabConfig.path)")
        }
        var seconds: [String: [Double]] = [:]
        for _ in 0..<3 {
            for run in runs where run.name == "defaults" || !run.arguments.isEmpty {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try runToEnd(bench.binary.path, ["detect", csv.path, "--out", "/dev/null"] + run.arguments)
                seconds[run.name, default: []].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
        }
        var rates: [String: Double] = [:]
        for (name, times) in seconds.sorted(by: { $0.key < $1.key }) {
            let median = times.sorted()[times.count / 2]
            rates[name] = Double(rows) / median
            print("detect.\(name) \(Int(Double(rows) / median)) rows/s")
        }
        if let defaults = rates["defaults"], let nab = rates["nab"] {
            print("detect.ratio.defaults_over_nab \(String(format: "%.2f", defaults / nab)) x")
        }
    } catch {
        print("anomalyd-bench detect: \(error)")
        exit(1)
    }
}

/// A daily sine (amplitude 1) with N(0, 0.1²) noise at a 5-minute step, and a 10σ spike at row
/// 4,500: `timestamp,value` rows with epoch-second timestamps.
private func detectSeries(rows: Int) -> String {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func uniform() -> Double {
        // SplitMix64: a fixed, platform-independent stream, so every run benches the same rows.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
    var text = "timestamp,value\n"
    for row in 0..<rows {
        let time = 1_700_000_000 + row * 300
        let noise = sqrt(-2 * log(max(uniform(), 1e-300))) * cos(2 * Double.pi * uniform())
        var value = 10 + sin(2 * Double.pi * Double(row) / 288) + 0.1 * noise
        if row == 4500 { value += 1.0 }
        text += "\(time),\(value)\n"
    }
    return text
}
