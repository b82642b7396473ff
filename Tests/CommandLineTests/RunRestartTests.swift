import Foundation
import Testing

/// Models survive the daemon: SIGTERM checkpoints and exits 0, a restart loads the model instead
/// of retraining and alerts exactly as an uninterrupted run, and `kill -9` at any moment never
/// leaves a torn model file (docs/DESIGN.md §7, §9).
@Suite struct RunRestartTests {
    /// A stream's alerts as (id, state, ts) triples, in order.
    static func alertKeys(_ peer: PythonPeer) -> [String] {
        peer.objects.filter { ($0["topic"] as? String)?.hasPrefix("alert.") == true }
            .compactMap { $0["body"] as? [String: Any] }
            .map { "\($0["id"] as? String ?? "?") \($0["state"] as? String ?? "?") \($0["ts"] as? Double ?? 0)" }
    }

    static func streamPeer(_ config: DaemonConfig, _ actions: [String], _ directory: TemporaryDirectory, name: String)
        throws -> PythonPeer
    {
        try PythonPeer(
            [PythonPeer.script("stream_peer.py"), "--input", config.input, "--output", config.output, "--per-message", "10"]
                + actions, directory: directory, name: name)
    }

    @Test func sigtermCheckpointsAndARestartLoadsTheModelAndAlertsAsAnUninterruptedRun() async throws {
        let directory = try TemporaryDirectory()
        try SineStream.write(RunAlertTests.trainingLines(), to: directory.path("train.jsonl"))
        // Part 1 holds the spike (its episode resolves within it); part 2 the level shift, after
        // more than a window of normal points (a restarted daemon refills its windows first).
        try SineStream.write(RunAlertTests.scenarioLines(119..<260), to: directory.path("part1.jsonl"))
        try SineStream.write(RunAlertTests.scenarioLines(260..<400), to: directory.path("part2.jsonl"))
        try SineStream.write(RunAlertTests.scenarioLines(119..<400), to: directory.path("whole.jsonl"))

        // Interrupted: train + part 1, SIGTERM, restart, part 2.
        let config = DaemonConfig(stateDirectory: directory.path("state"))
        try config.write(to: directory.path("a.toml"))
        var interrupted: [String] = []
        do {
            let daemon = try RunningDaemon(configPath: directory.path("a.toml"), directory: directory, name: "a1")
            #expect(await daemon.waitForLog("listening"))
            let peer = try Self.streamPeer(
                config, ["send:\(directory.path("train.jsonl"))", "wait-model:trained",
                         "send:\(directory.path("part1.jsonl"))", "quiet:2"], directory, name: "a1")
            #expect(await peer.waitForExit() == 0, "\(peer.errors)")
            interrupted += Self.alertKeys(peer)
            #expect(await daemon.stop() == 0, "SIGTERM must exit 0: \(daemon.log)")
            #expect(daemon.log.contains("stopped"))
        }
        let modelPath = directory.path("state/models/sensors.safetensors")
        #expect(FileManager.default.fileExists(atPath: modelPath))
        let opened = try PythonPeer(["-c", Self.safetensorsCheck, modelPath], directory: directory, name: "safetensors")
        #expect(await opened.waitForExit() == 0, "safetensors cannot open the model: \(opened.errors)")
        #expect(opened.output.contains("version=1"), "\(opened.output)")
        do {
            let daemon = try RunningDaemon(configPath: directory.path("a.toml"), directory: directory, name: "a2")
            #expect(await daemon.waitForLog("model loaded"), "\(daemon.log)")
            #expect(await daemon.waitForLog("listening"))
            let peer = try Self.streamPeer(
                config, ["send:\(directory.path("part2.jsonl"))", "quiet:2"], directory, name: "a2")
            #expect(await peer.waitForExit() == 0, "\(peer.errors)")
            interrupted += Self.alertKeys(peer)
            #expect(await daemon.stop() == 0)
            #expect(daemon.logLines(containing: "model trained").isEmpty, "retrained after a restart: \(daemon.log)")
            #expect(daemon.logLines(containing: "saved model not used").isEmpty, "\(daemon.log)")
        }

        // Uninterrupted, on a state directory of its own.
        var uninterrupted: [String] = []
        do {
            var fresh = DaemonConfig(stateDirectory: directory.path("state-b"))
            fresh.window = config.window
            try fresh.write(to: directory.path("b.toml"))
            let daemon = try RunningDaemon(configPath: directory.path("b.toml"), directory: directory, name: "b")
            #expect(await daemon.waitForLog("listening"))
            let peer = try Self.streamPeer(
                fresh, ["send:\(directory.path("train.jsonl"))", "wait-model:trained",
                        "send:\(directory.path("whole.jsonl"))", "quiet:2"], directory, name: "b")
            #expect(await peer.waitForExit() == 0, "\(peer.errors)")
            uninterrupted = Self.alertKeys(peer)
            #expect(await daemon.stop() == 0)
        }
        #expect(uninterrupted.count >= 4, "\(uninterrupted)")
        #expect(interrupted == uninterrupted)
    }

    /// Points of the stream after the restart: a 100-step gap after part 1 (more than a window, so
    /// both runs start their windows afresh and see the same windows), then the level shift goes
    /// on for 20 points and ends.
    static func afterGapLines() -> [String] {
        interleaveLines(
            SineStream.lines(series: "pump-1", 420..<520) { $0 < 440 ? 3 : 0 }, SineStream.lines(series: "clean-2", 420..<520))
    }

    static func interleaveLines(_ a: [String], _ b: [String]) -> [String] { RunAlertTests.interleave(a, b) }

    /// Graceful restart is lossless (issue 16, item 6): SIGTERM while the level shift's episode is
    /// open, then a start, restores the model byte for byte (a second SIGTERM with no input in
    /// between rewrites the very same bytes, and nothing retrains) and the open episode, so the
    /// alerts after the restart are those of a run without it: the episode goes on (`ongoing`,
    /// then `resolved`, one id) instead of opening again, and resolves.
    @Test func sigtermWithAnEpisodeOpenRestoresTheSameModelBytesAndTheEpisode() async throws {
        let directory = try TemporaryDirectory()
        try SineStream.write(RunAlertTests.trainingLines(), to: directory.path("train.jsonl"))
        // Part 1 ends inside the level shift (300..<340): its episode is open at the SIGTERM.
        try SineStream.write(RunAlertTests.scenarioLines(119..<320), to: directory.path("part1.jsonl"))
        try SineStream.write(Self.afterGapLines(), to: directory.path("part2.jsonl"))
        var config = DaemonConfig(stateDirectory: directory.path("state"))
        config.resolveAfter = 3
        config.repeatEvery = "5s"
        try config.write(to: directory.path("a.toml"))
        let modelPath = directory.path("state/models/sensors.safetensors")
        let episodesPath = directory.path("state/episodes.json")

        var interrupted: [String] = []
        do {
            let daemon = try RunningDaemon(configPath: directory.path("a.toml"), directory: directory, name: "a1")
            #expect(await daemon.waitForLog("listening"))
            let peer = try Self.streamPeer(
                config, ["send:\(directory.path("train.jsonl"))", "wait-model:trained",
                         "send:\(directory.path("part1.jsonl"))", "quiet:2"], directory, name: "a1")
            #expect(await peer.waitForExit() == 0, "\(peer.errors)")
            interrupted += Self.alertKeys(peer)
            #expect(await daemon.stop() == 0, "SIGTERM must exit 0: \(daemon.log)")
        }
        let opened = interrupted.filter { $0.contains(" open ") }
        let last = try #require(interrupted.last, "no alerts before the restart")
        #expect(last.contains(" open ") || last.contains(" ongoing "), "the shift's episode must be open at the SIGTERM: \(interrupted)")
        let episodes = try String(contentsOfFile: episodesPath, encoding: .utf8)
        let openID = try #require(last.split(separator: " ").first.map(String.init))
        #expect(episodes.contains(openID) && episodes.contains("pump-1"), "\(episodes)")
        let saved = try Data(contentsOf: URL(fileURLWithPath: modelPath))

        // A start and a SIGTERM with nothing in between: the same model, the same bytes.
        do {
            let daemon = try RunningDaemon(configPath: directory.path("a.toml"), directory: directory, name: "a2")
            #expect(await daemon.waitForLog("model loaded"), "\(daemon.log)")
            #expect(await daemon.waitForLog("open episodes restored"), "\(daemon.log)")
            #expect(await daemon.waitForLog("listening"))
            let metrics = httpGet(port: config.metricsPort, path: "/metrics").body
            #expect(metricValue(metrics, "anomalyd_models_trained_total{result=\"trained\"}") == 0, "\(metrics)")
            #expect(await daemon.stop() == 0)
            #expect(daemon.logLines(containing: "model trained").isEmpty, "retrained after a restart: \(daemon.log)")
            #expect(daemon.logLines(containing: "not used").isEmpty, "\(daemon.log)")
        }
        let again = try Data(contentsOf: URL(fileURLWithPath: modelPath))
        #expect(again == saved, "the model file changed across a restart with no input: \(saved.count) → \(again.count) bytes")
        #expect(try String(contentsOfFile: episodesPath, encoding: .utf8) == episodes)

        do {
            let daemon = try RunningDaemon(configPath: directory.path("a.toml"), directory: directory, name: "a3")
            #expect(await daemon.waitForLog("listening"))
            let peer = try Self.streamPeer(config, ["send:\(directory.path("part2.jsonl"))", "quiet:2"], directory, name: "a3")
            #expect(await peer.waitForExit() == 0, "\(peer.errors)")
            interrupted += Self.alertKeys(peer)
            #expect(await daemon.stop() == 0)
            #expect(daemon.logLines(containing: "model trained").isEmpty, "retrained after a restart: \(daemon.log)")
        }

        var uninterrupted: [String] = []
        do {
            var fresh = DaemonConfig(stateDirectory: directory.path("state-b"))
            (fresh.resolveAfter, fresh.repeatEvery) = (config.resolveAfter, config.repeatEvery)
            try fresh.write(to: directory.path("b.toml"))
            let daemon = try RunningDaemon(configPath: directory.path("b.toml"), directory: directory, name: "b")
            #expect(await daemon.waitForLog("listening"))
            let peer = try Self.streamPeer(
                fresh, ["send:\(directory.path("train.jsonl"))", "wait-model:trained", "send:\(directory.path("part1.jsonl"))",
                        "send:\(directory.path("part2.jsonl"))", "quiet:2"], directory, name: "b")
            #expect(await peer.waitForExit() == 0, "\(peer.errors)")
            uninterrupted = Self.alertKeys(peer)
            #expect(await daemon.stop() == 0)
        }
        #expect(uninterrupted.count >= 8, "\(uninterrupted)")
        // The shift's episode: opened before the restart, resolved after it, never opened again.
        let shift = uninterrupted.filter { $0.hasPrefix(openID) }
        #expect(shift.first?.contains(" open ") == true && shift.last?.contains(" resolved ") == true, "\(shift)")
        #expect(shift.contains { ($0.split(separator: " ").last.flatMap { Double($0) } ?? 0) > SineStream.origin + 420 },
                "the episode must go on after the gap: \(shift)")
        #expect(interrupted.filter { $0.contains(" open ") } == opened, "an episode opened again after the restart: \(interrupted)")
        #expect(interrupted == uninterrupted)
    }

    /// Opens a model file with Python's safetensors and prints its version; exits 1 if it cannot.
    static let safetensorsCheck = """
        import sys
        from safetensors import safe_open
        with safe_open(sys.argv[1], framework="numpy") as f:
            meta = f.metadata()
            names = list(f.keys())
            assert names, "no tensors"
            for name in names:
                f.get_tensor(name)
            print("version=" + meta["version"], "tensors=%d" % len(names))
        """

    @Test func killDashNineDuringTrainingAndCheckpointsNeverLeavesAnUnloadableModel() async throws {
        let directory = try TemporaryDirectory()
        var config = DaemonConfig(stateDirectory: directory.path("state"))
        config.checkpointEvery = "200ms"
        config.retrainEvery = "40 windows"
        config.epochs = 5
        try config.write(to: directory.path("anomalyd.toml"))
        let lines = RunAlertTests.interleave(
            SineStream.lines(series: "pump-1", 0..<3000), SineStream.lines(series: "clean-2", 0..<3000))
        try SineStream.write(lines, to: directory.path("stream.jsonl"))
        let modelPath = directory.path("state/models/sensors.safetensors")

        var generator = SystemRandomNumberGenerator()
        var kills: [Double] = []
        var checked = 0
        for round in 0..<8 {
            let daemon = try RunningDaemon(
                configPath: directory.path("anomalyd.toml"), directory: directory, name: "round\(round)")
            #expect(await daemon.waitForLog("listening"), "\(daemon.log)")
            if FileManager.default.fileExists(atPath: modelPath) {
                #expect(await daemon.waitForLog("model loaded", timeout: .seconds(10)), "round \(round): \(daemon.log)")
                #expect(daemon.logLines(containing: "saved model not used").isEmpty, "round \(round): \(daemon.log)")
            }
            let peer = try PythonPeer(
                [PythonPeer.script("stream_peer.py"), "--input", config.input, "--per-message", "4",
                 "--interval", "0.004", "--settle", "0.3", "--loop", "send:\(directory.path("stream.jsonl"))"],
                directory: directory, name: "peer\(round)")
            if round == 0 { #expect(await daemon.waitForLog("model trained", timeout: .seconds(60)), "\(daemon.log)") }
            let delay = Double.random(in: 0.2...2.5, using: &generator)
            kills.append(delay)
            try await Task.sleep(for: .seconds(delay))
            daemon.send(SIGKILL)
            #expect(await daemon.waitForExit(timeout: .seconds(10)) != nil)
            peer.kill()

            // Whatever the moment, the model file is whole: Python's safetensors opens it.
            if FileManager.default.fileExists(atPath: modelPath) {
                let opened = try PythonPeer(
                    ["-c", Self.safetensorsCheck, modelPath], directory: directory, name: "check\(round)")
                #expect(await opened.waitForExit() == 0, "round \(round) after \(kills): \(opened.errors)")
                checked += 1
            }
        }
        #expect(checked >= 6, "the model was checkpointed too rarely to test: \(checked) of 8 rounds")
        // Only the model file remains: no temporary file of an interrupted write is ever loaded.
        let models = try FileManager.default.contentsOfDirectory(atPath: directory.path("state/models"))
        #expect(models.contains("sensors.safetensors"), "\(models)")
        // A last start loads what the kills left.
        let daemon = try RunningDaemon(configPath: directory.path("anomalyd.toml"), directory: directory, name: "final")
        #expect(await daemon.waitForLog("model loaded"), "\(daemon.log)")
        #expect(await daemon.waitForLog("listening"))
        // Temporary files of writes a kill interrupted are removed at start-up.
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path("state/models"))
        #expect(left == ["sensors.safetensors"], "\(left)")
        #expect(await daemon.stop() == 0)
    }
}
