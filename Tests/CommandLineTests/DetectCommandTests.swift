import Foundation
import Testing

/// A small, fast configuration so that debug builds stay quick; the model commands' tests use a
/// larger window and network (``testConfig(name:window:hidden:latent:)``).
let smallConfig = testConfig(name: "small", window: 16, hidden: 16, latent: 2)

/// One group of `window` steps with one hidden layer, trained after 200 windows for 5 epochs.
func testConfig(name: String, window: Int, hidden: Int, latent: Int) -> String {
    """
    [[group]]
    name = "\(name)"
    window = \(window)
    [group.vae]
    hidden = [\(hidden)]
    latent = \(latent)
    [group.training]
    min_windows = 200
    min_history = "1s"
    reservoir = 2000
    retrain_every = "600 windows"
    epochs = 5
    batch = 64
    [group.scoring]
    recent_steps = 1
    [group.threshold]
    false_alarms_per_day = 1
    """
}

@Suite struct DetectCommandTests {
    private static let files = ["realAdExchange/exchange-3_cpc_results.csv", "realTraffic/speed_7578.csv"]

    /// Two runs over two real NAB files give byte-identical results, with one row per input row.
    @Test func detectIsDeterministicOnRealFiles() throws {
        let data = fixtures
        let directory = try TemporaryDirectory()
        let config = directory.path("small.toml")
        try smallConfig.write(toFile: config, atomically: true, encoding: .utf8)
        for name in Self.files {
            var outputs: [String] = []
            for run in 0..<2 {
                let out = directory.path("\(run)-" + name.replacingOccurrences(of: "/", with: "_"))
                let result = try AnomalydProcess.run(["detect", data + "/nab/data/" + name, "--config", config, "--out", out])
                #expect(result.status == 0, "\(result.stderr)")
                outputs.append(try String(contentsOfFile: out, encoding: .utf8))
            }
            #expect(outputs[0] == outputs[1])
            let input = try String(contentsOfFile: data + "/nab/data/" + name, encoding: .utf8)
            let rows = outputs[0].split(separator: "\n")
            #expect(rows.first == "timestamp,value,anomaly_score,alert")
            #expect(rows.count == input.split(whereSeparator: \.isNewline).count)
            // The first rows come before any model: score 0, alert 0; later rows are scored in [0, 1].
            #expect(rows[1].hasSuffix(",0,0"))
            let scores = rows.dropFirst().compactMap { Double($0.split(separator: ",")[2]) }
            #expect(scores.count == rows.count - 1 && scores.allSatisfy { $0 >= 0 && $0 <= 1 })
            #expect(scores.contains { $0 > 0 })
        }
    }

    /// `--train-rows N`: the first N rows score 0; `--exclude` drops label columns from the output.
    @Test func trainRowsFreezesAndExcludeDropsColumns() throws {
        let directory = try TemporaryDirectory()
        let csv = directory.path("in.csv")
        var text = "datetime;a;b;anomaly\n"
        for i in 0..<400 {
            let t = String(format: "2020-03-09 10:%02d:%02d", i / 60, i % 60)
            text += "\(t);\(sin(Double(i) / 4));\(cos(Double(i) / 7));0\n"
        }
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        let config = directory.path("small.toml")
        try smallConfig.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try AnomalydProcess.run(["detect", csv, "--config", config, "--train-rows", "250", "--exclude", "anomaly"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n")
        #expect(rows.first == "timestamp,a,b,anomaly_score,alert")
        #expect(rows.count == 401)
        #expect(rows[1...250].allSatisfy { $0.hasSuffix(",0,0") })
        #expect(rows[251...].contains { !$0.hasSuffix(",0,0") })
    }

    @Test func missingFileFailsWithOneLine() throws {
        let result = try AnomalydProcess.run(["detect", "/nonexistent.csv"])
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try AnomalydProcess.run(["detect"]).status == 64)
    }

    /// `evaluate` matches results to label keys by relative path and prints the three profiles,
    /// each category's raw points at the corpus threshold, event metrics and a plot.
    @Test func evaluateScoresNABResults() throws {
        let data = fixtures
        let directory = try TemporaryDirectory()
        let config = directory.path("small.toml")
        try smallConfig.write(toFile: config, atomically: true, encoding: .utf8)
        for name in Self.files {
            let category = String(name.split(separator: "/")[0])
            try FileManager.default.createDirectory(atPath: directory.path("results/" + category),
                                                    withIntermediateDirectories: true)
            #expect(try AnomalydProcess.run(["detect", data + "/nab/data/" + name, "--config", config,
                                             "--out", directory.path("results/" + name)]).status == 0)
        }
        let result = try AnomalydProcess.run(["evaluate", "--results", directory.path("results"),
                                              "--labels", data + "/nab/combined_windows.json", "--plot", directory.path("p.svg")])
        #expect(result.status == 0, "\(result.stderr)")
        for key in ["nab.standard ", "nab.reward_low_FP_rate ", "nab.reward_low_FN_rate ", "events.f1 "] {
            #expect(result.stdout.contains(key), "\(result.stdout)")
        }
        #expect(result.stdout.contains("nab.files 2 files"))
        // Per profile, one line per category; normalising their sums gives the profile's score.
        let lines = result.stdout.split(separator: "\n").map(String.init)
        for profile in ["standard", "reward_low_FP_rate", "reward_low_FN_rate"] {
            let overall = try #require(lines.first { $0.hasPrefix("nab.\(profile) ") })
            let score = try #require(Double(overall.split(separator: " ")[1]))
            var raw = 0.0, null = 0.0, perfect = 0.0
            for category in ["realAdExchange", "realTraffic"] {
                let line = try #require(lines.first { $0.hasPrefix("nab.\(profile).\(category) ") }, "\(result.stdout)")
                // nab.standard.realTraffic -1.23 points (null -4.00, perfect 4.00)
                let numbers = line.split(whereSeparator: { " (),".contains($0) }).compactMap { Double($0) }
                try #require(numbers.count == 3, "\(line)")
                raw += numbers[0]
                null += numbers[1]
                perfect += numbers[2]
                #expect(line.contains(" points (null "), "\(line)")
            }
            #expect(abs(100 * (raw - null) / (perfect - null) - score) < 0.5, "\(profile): \(result.stdout)")
        }
        let svg = try String(contentsOfFile: directory.path("p.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("polyline"))
        for id in ["time-axis", "value-axis", "score-axis", "legend"] { #expect(svg.contains("<g id=\"\(id)\">"), "\(id)") }
        #expect(svg.contains(">time (UTC)</text>"))
    }
}
