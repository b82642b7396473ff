import Foundation
import Testing

/// Every entry point reaches its verdict through the same detector and the same judge: for one
/// model and one input, `anomalyd detect --model`, `anomalyd score` and the daemon give the same
/// anomaly scores and the same episodes.
@Suite struct OnePathTests {
    static let spike = 420
    static let shift = 520..<600

    /// Points `range` of series `csv`: the sine of ``SineStream`` with a +6 spike and a +3 shift.
    static func value(_ i: Int) -> Double {
        SineStream.value(i, series: "csv") + (i == spike ? 6 : shift.contains(i) ? 3 : 0)
    }

    static func csv(_ range: Range<Int>) -> String {
        "timestamp,value\n" + range.map { "\(Int(SineStream.origin) + $0),\(value($0))" }.joined(separator: "\n") + "\n"
    }

    static func jsonLines(_ range: Range<Int>) -> [String] {
        range.map { #"{"series":"csv","ts":\#(SineStream.origin + Double($0)),"value":\#(value($0))}"# }
    }

    /// (anomaly_score, alert) of each row of a results file, and the episodes its alert column
    /// shows as (state, time) pairs.
    static func rows(_ text: String) -> (cells: [[String]], episodes: [String]) {
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        let score = header.firstIndex(of: "anomaly_score")!, alert = header.firstIndex(of: "alert")!
        var episodes: [String] = [], open = false
        var cells: [[String]] = []
        for row in lines.dropFirst() {
            cells.append([row[0], row[score], row[alert]])
            let now = row[alert] == "1"
            if now != open { episodes.append("\(now ? "open" : "resolved") \(row[0])") }
            open = now
        }
        return (cells, episodes)
    }

    @Test func detectScoreAndTheDaemonGiveTheSameVerdicts() async throws {
        let directory = try TemporaryDirectory()
        let config = DaemonConfig(stateDirectory: directory.path("state"))  // retrain_every = "never"
        try config.write(to: directory.path("c.toml"))
        try Self.csv(0..<300).write(toFile: directory.path("train.csv"), atomically: true, encoding: .utf8)
        try Self.csv(300..<700).write(toFile: directory.path("data.csv"), atomically: true, encoding: .utf8)
        let model = directory.path("m.safetensors")
        let train = try AnomalydProcess.run(["train", directory.path("train.csv"), "--config", directory.path("c.toml"),
                                             "--out", model], timeout: .seconds(120))
        try #require(train.status == 0, "\(train.stderr)")

        // The two offline paths: every row's published score and alert, identical.
        let detect = try AnomalydProcess.run(["detect", directory.path("data.csv"), "--config", directory.path("c.toml"),
                                              "--model", model, "--out", directory.path("d.csv")])
        let score = try AnomalydProcess.run(["score", directory.path("data.csv"), "--config", directory.path("c.toml"),
                                             "--model", model, "--out", directory.path("s.csv")])
        try #require(detect.status == 0 && score.status == 0, "\(detect.stderr) \(score.stderr)")
        let detected = Self.rows(try String(contentsOfFile: directory.path("d.csv"), encoding: .utf8))
        let scored = Self.rows(try String(contentsOfFile: directory.path("s.csv"), encoding: .utf8))
        #expect(detected.cells == scored.cells)
        #expect(detected.cells.count == 400)
        // The spike and the shift each open one episode, and nothing else does.
        let opens = detected.episodes.filter { $0.hasPrefix("open") }
        #expect(opens.count == 2, "\(detected.episodes)")

        // The daemon, from the same model file in its state directory, on the same points sent
        // as records: the same episodes, opened and resolved at the same stream times.
        try FileManager.default.createDirectory(atPath: directory.path("state/models"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: model, toPath: directory.path("state/models/sensors.safetensors"))
        try SineStream.write(Self.jsonLines(300..<700), to: directory.path("data.jsonl"))
        let daemon = try RunningDaemon(configPath: directory.path("c.toml"), directory: directory)
        #expect(await daemon.waitForLog("model loaded"), "\(daemon.log)")
        #expect(await daemon.waitForLog("listening"))
        let peer = try RunRestartTests.streamPeer(config, ["send:\(directory.path("data.jsonl"))", "quiet:2"],
                                                  directory, name: "peer")
        #expect(await peer.waitForExit() == 0, "\(peer.errors)")
        #expect(await daemon.stop() == 0)
        let daemonEpisodes = peer.objects.filter { ($0["topic"] as? String)?.hasPrefix("alert.") == true }
            .compactMap { $0["body"] as? [String: Any] }
            .filter { $0["state"] as? String != "ongoing" }
            .map { "\($0["state"] as? String ?? "?") \(Self.timestamp($0["ts"] as? Double ?? 0))" }
        #expect(daemonEpisodes == detected.episodes, "daemon \(daemonEpisodes) vs detect \(detected.episodes)")
        #expect(daemon.logLines(containing: "model trained").isEmpty, "the daemon retrained: \(daemon.log)")
    }

    /// An epoch time as `detect` writes it, `YYYY-MM-DD hh:mm:ss` UTC.
    static func timestamp(_ seconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}
