import Foundation
import Testing

/// The offline model commands of docs/DESIGN.md §6 — `train`, `inspect`, `score`, `embed`, `generate` —
/// run as the real binary on a real NAB file, with a small configuration so debug builds stay
/// quick. Each test trains its own model (under a second) in its own temporary directory.
@Suite struct ModelCommandTests {
    /// The NAB file trained on: 1,127 rows of 5-minute traffic speeds.
    private static let nabFile = "realTraffic/speed_7578.csv"
    /// The window length of ``smallConfig``.
    private static let window = 32
    /// The latent size of ``smallConfig``.
    private static let latent = 3

    private static let smallConfig = testConfig(name: "cmds", window: window, hidden: 32, latent: latent)

    /// The NAB file, committed under `Tests/Fixtures`.
    private static func nabPath() -> String { fixtures + "/nab/data/" + nabFile }

    /// A trained model in `directory`: the config's path, the model's path and train's stdout.
    private static func trainedModel(in directory: TemporaryDirectory) throws
        -> (config: String, model: String, stdout: String)
    {
        let config = directory.path("small.toml"), model = directory.path("m.safetensors")
        try smallConfig.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try AnomalydProcess.run(["train", nabPath(), "--out", model, "--config", config])
        try #require(result.status == 0, "train failed: \(result.stderr)")
        return (config, model, result.stdout)
    }

    /// The rows of a CSV text without its header, split into cells.
    private static func cells(_ text: String) -> (header: String, rows: [[String]]) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return (lines.first ?? "", rows)
    }

    @Test func trainWritesTheModelAndInspectShowsIt() throws {
        let directory = try TemporaryDirectory()
        let (_, model, stdout) = try Self.trainedModel(in: directory)
        #expect(stdout.split(separator: "\n").count == 1)
        #expect(stdout.contains("windows") && stdout.contains("validation loss") && stdout.contains(model))
        // The file is in place and nothing else (no temporary file left behind).
        let siblings = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted()
        #expect(siblings == ["m.safetensors", "small.toml"])

        let inspect = try AnomalydProcess.run(["inspect", model])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        for needle in ["32 steps × 1 fields", "hidden [32]", "latent 3", "β 1.0", "group         cmds", "value",
                       "shared model", "csv: median", "config_hash", "trained_at", "version       1", "generalized Pareto",
                       "reconstruction NLL median"] {
            #expect(inspect.stdout.contains(needle), "inspect lacks \(needle): \(inspect.stdout)")
        }

        let json = try AnomalydProcess.run(["inspect", "--json", model])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let architecture = try #require(object["architecture"] as? [String: Any])
        #expect(architecture["latent"] as? Int == Self.latent && architecture["input_size"] as? Int == Self.window)
        #expect(object["fields"] as? [String] == ["value"] && object["group"] as? String == "cmds")
        #expect(object["version"] as? String == "1" && (object["config_hash"] as? String)?.count == 16)
        let windows = try #require(Int(object["training_windows"] as? String ?? ""))
        #expect(windows > 1000 && windows < 1127)
        #expect(object["score_calibration"] is [String: Any] && object["score_tail"] is [String: Any])
    }

    /// Raw scores are finite, rows before the first full window have empty raw cells and score 0,
    /// and an injected spike scores far above the normal rows and alerts.
    @Test func scoreRanksAnInjectedSpikeAboveNormalRows() throws {
        let directory = try TemporaryDirectory()
        let (config, model, _) = try Self.trainedModel(in: directory)
        var lines = try String(contentsOfFile: Self.nabPath(), encoding: .utf8)
            .split(whereSeparator: \.isNewline).map(String.init)
        let spikeRow = 600
        let time = try #require(lines[spikeRow + 1].split(separator: ",").first)
        lines[spikeRow + 1] = "\(time),250"  // speeds are around 66 ± 6
        let spiked = directory.path("spike.csv"), out = directory.path("scores.csv")
        try (lines.joined(separator: "\n") + "\n").write(toFile: spiked, atomically: true, encoding: .utf8)

        let result = try AnomalydProcess.run(["score", spiked, "--model", model, "--config", config, "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        let (header, rows) = Self.cells(try String(contentsOfFile: out, encoding: .utf8))
        #expect(header == "timestamp,value,nll,latent_distance,anomaly_score,alert")
        #expect(rows.count == lines.count - 1 && rows.allSatisfy { $0.count == 6 })
        let scored = rows.indices.filter { !rows[$0][2].isEmpty }
        // The rows before the first full window (32 grid steps, the file's gaps included) have
        // empty score cells.
        let first = try #require(scored.first)
        #expect(first > 0 && first < Self.window)
        #expect(rows.prefix(first).allSatisfy { $0[2...3].allSatisfy(\.isEmpty) && !$0[1].isEmpty && $0[4] == "0" })
        #expect(scored.count > 1000)
        for i in scored {
            let values = rows[i][2...4].compactMap { Double($0) }
            #expect(values.count == 3 && values.allSatisfy(\.isFinite), "row \(i): \(rows[i])")
            #expect((0...1).contains(values[2]) && ["0", "1"].contains(rows[i][5]), "row \(i): \(rows[i])")
        }
        let spike = try #require(Double(rows[spikeRow][4])), spikeNLL = try #require(Double(rows[spikeRow][2]))
        // Normal rows: those whose window does not contain the spike.
        let normal = scored.filter { $0 < spikeRow || $0 >= spikeRow + Self.window }
        let normalScores = normal.compactMap { Double(rows[$0][4]) }.sorted()
        let normalNLL = normal.compactMap { Double(rows[$0][2]) }.sorted()
        #expect(rows[spikeRow][5] == "1", "the spike does not alert: \(rows[spikeRow])")
        #expect(spike > normalScores[normalScores.count * 99 / 100], "spike \(spike) vs normal \(normalScores.suffix(12))")
        #expect(spikeNLL > 20 * normalNLL[normalNLL.count / 2], "spike NLL \(spikeNLL) vs median \(normalNLL[normalNLL.count / 2])")
    }

    /// A model is not scored under another group configuration than its own.
    @Test func scoreRefusesAnotherConfiguration() throws {
        let directory = try TemporaryDirectory()
        let (_, model, _) = try Self.trainedModel(in: directory)
        let result = try AnomalydProcess.run(["score", Self.nabPath(), "--model", model])
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("--config"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func embedWritesLatentCoordinatesPerWindow() throws {
        let directory = try TemporaryDirectory()
        let (config, model, _) = try Self.trainedModel(in: directory)
        let data = Self.nabPath()
        let embed = try AnomalydProcess.run(["embed", data, "--model", model])
        #expect(embed.status == 0, "\(embed.stderr)")
        let (header, rows) = Self.cells(embed.stdout)
        #expect(header == "timestamp,z0,z1,z2")
        #expect(rows.allSatisfy { $0.count == 1 + Self.latent && $0.dropFirst().allSatisfy { Double($0)?.isFinite == true } })
        // One row per scored window: as many as `score` fills, at the same timestamps.
        let score = try AnomalydProcess.run(["score", data, "--model", model, "--config", config])
        #expect(score.status == 0, "\(score.stderr)")
        let scoredTimes = Self.cells(score.stdout).rows.filter { !$0[2].isEmpty }.map { $0[0] }
        #expect(rows.map { $0[0] } == scoredTimes && rows.count > 1000)
        // Different windows map to different places.
        #expect(Set(rows.map { $0[1] }).count > rows.count / 2)

        let withStd = try AnomalydProcess.run(["embed", data, "--model", model, "--with-std"])
        #expect(withStd.status == 0, "\(withStd.stderr)")
        let (stdHeader, stdRows) = Self.cells(withStd.stdout)
        #expect(stdHeader == "timestamp,z0,z1,z2,std0,std1,std2")
        #expect(stdRows.count == rows.count)
        #expect(stdRows.allSatisfy { $0.count == 7 && $0[4...].allSatisfy { (Double($0) ?? 0) > 0 } })
        #expect(zip(stdRows, rows).allSatisfy { Array($0.prefix(4)) == $1 })
    }

    @Test func generateWritesCountWindowsInOriginalUnits() throws {
        let directory = try TemporaryDirectory()
        let (_, model, _) = try Self.trainedModel(in: directory)
        let count = 7
        let result = try AnomalydProcess.run(["generate", "--model", model, "--count", "\(count)", "--seed", "5"])
        #expect(result.status == 0, "\(result.stderr)")
        let (header, rows) = Self.cells(result.stdout)
        #expect(header == "window,step,value")
        #expect(rows.count == count * Self.window)
        #expect(rows.first?.prefix(2) == ["0", "0"] && rows.last?.prefix(2) == ["\(count - 1)", "\(Self.window - 1)"])
        let values = rows.compactMap { $0.count == 3 ? Double($0[2]) : nil }
        #expect(values.count == rows.count && values.allSatisfy(\.isFinite))
        // Original units: speeds around 66, not scaled values around 0.
        let mean = values.reduce(0, +) / Double(values.count)
        #expect(mean > 30 && mean < 100, "mean \(mean)")

        let again = try AnomalydProcess.run(["generate", "--model", model, "--count", "\(count)", "--seed", "5"])
        #expect(again.stdout == result.stdout)
        let sampled = try AnomalydProcess.run(["generate", "--model", model, "--count", "\(count)", "--sampled"])
        #expect(sampled.status == 0 && Self.cells(sampled.stdout).rows.count == count * Self.window)
        #expect(sampled.stdout != result.stdout)

        let usage = try AnomalydProcess.run(["generate", "--model", model, "--count", "0"])
        #expect(usage.status == 64)
        let series = try AnomalydProcess.run(["generate", "--model", model, "--count", "1", "--series", "nope"])
        #expect(series.status == 1 && series.stderr.split(separator: "\n").count == 1, "\(series.stderr)")
    }

    /// A truncated or garbage model file fails every command with one line, never a crash.
    @Test func corruptModelFilesFailWithOneLine() throws {
        let directory = try TemporaryDirectory()
        let (config, model, _) = try Self.trainedModel(in: directory)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: model))
        let truncated = directory.path("truncated.safetensors"), garbage = directory.path("garbage.safetensors")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        try Data("not a model at all\n".utf8).write(to: URL(fileURLWithPath: garbage))
        let data = Self.nabPath()
        for path in [truncated, garbage, directory.path("missing.safetensors")] {
            for arguments in [["inspect", path], ["inspect", "--json", path],
                              ["score", data, "--model", path, "--config", config],
                              ["embed", data, "--model", path], ["generate", "--model", path, "--count", "1"]] {
                let result = try AnomalydProcess.run(arguments)
                #expect(result.status == 1, "\(arguments): \(result.status) \(result.stderr)")
                let lines = result.stderr.split(separator: "\n")
                #expect(lines.count == 1 && lines[0].contains("model file"), "\(arguments): \(result.stderr)")
                #expect(result.stdout.isEmpty)
            }
        }
    }

    /// Python's `safetensors` package opens the file `train` wrote, with its metadata.
    @Test func pythonSafetensorsOpensTheTrainedFile() throws {
        let directory = try TemporaryDirectory()
        let (_, model, _) = try Self.trainedModel(in: directory)
        let script = """
            import json, sys
            from safetensors import safe_open
            with safe_open(sys.argv[1], framework="numpy") as f:
                meta = f.metadata()
                shapes = {k: list(f.get_tensor(k).shape) for k in f.keys()}
            print(json.dumps({"shapes": shapes, "metadata": meta}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, model]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = readToEnd(out.fileHandleForReading.fileDescriptor)
        let errors = String(decoding: readToEnd(err.fileHandleForReading.fileDescriptor), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 with safetensors failed (is it installed?): \(errors)")
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let shapes = try #require(json["shapes"] as? [String: [Int]])
        #expect(shapes["latent.mean"] == [Self.latent] && shapes["latent.covariance"] == [Self.latent, Self.latent])
        #expect(shapes.values.contains([Self.window, 32]) || shapes.values.contains([32, Self.window]))
        let metadata = try #require(json["metadata"] as? [String: String])
        #expect(metadata["group"] == "cmds" && metadata["fields"] == "[\"value\"]" && metadata["version"] == "1")
        for key in ["normalization", "score_calibration", "score_tail", "training_windows", "trained_at",
                    "config_hash", "architecture"] {
            #expect(metadata[key] != nil, "metadata lacks \(key)")
        }
    }
}
