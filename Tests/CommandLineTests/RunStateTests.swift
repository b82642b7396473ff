import Foundation
import Testing

/// Crash safety of the state directory (issue 16, item 2), against the real binary: a damaged
/// saved model is moved aside and its group retrains, one that does not fit the configuration
/// stays, and a checkpoint that cannot write (a full disk) keeps the previous file, is counted
/// and does not stop the daemon.
@Suite struct RunStateTests {
    /// Runs the daemon on `config` until its first model is trained and checkpointed, then
    /// stops it (SIGTERM: the model is written).
    static func trainOnce(_ config: DaemonConfig, configPath: String, _ directory: TemporaryDirectory, name: String) async throws {
        let daemon = try RunningDaemon(configPath: configPath, directory: directory, name: name)
        #expect(await daemon.waitForLog("listening"), "\(daemon.log)")
        let peer = try RunRestartTests.streamPeer(
            config, ["send:\(directory.path("train.jsonl"))", "wait-model:trained", "quiet:1"], directory, name: name)
        #expect(await peer.waitForExit() == 0, "\(peer.errors)\n\(daemon.log)")
        #expect(await daemon.stop() == 0, "\(daemon.log)")
    }

    /// The damaged files moved aside from `models/`.
    static func movedAside(_ directory: TemporaryDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path("state/models"))) ?? [])
            .filter { $0.hasPrefix("sensors.safetensors.corrupt-") }.sorted()
    }

    @Test func aDamagedModelAtStartIsMovedAsideAndRetrainedAndAnUnfitOneStays() async throws {
        let directory = try TemporaryDirectory()
        try SineStream.write(RunAlertTests.trainingLines(), to: directory.path("train.jsonl"))
        let config = DaemonConfig(stateDirectory: directory.path("state"))
        try config.write(to: directory.path("anomalyd.toml"))
        let modelPath = directory.path("state/models/sensors.safetensors")
        try await Self.trainOnce(config, configPath: directory.path("anomalyd.toml"), directory, name: "train")
        let good = try Data(contentsOf: URL(fileURLWithPath: modelPath))

        // A bit flip in the tensor data (the last byte), then a torn file, then garbage twice:
        // each start logs the file and the cause, moves the file aside and serves without it.
        var flipped = good
        flipped[flipped.count - 1] ^= 0x10
        let damages: [(String, Data)] = [
            ("checksum mismatch", flipped), ("truncated", good.prefix(good.count / 2)),
            ("not a safetensors model file", Data("not a model at all\n".utf8)), ("not a safetensors model file", Data()),
        ]
        for (round, (cause, bytes)) in damages.enumerated() {
            try bytes.write(to: URL(fileURLWithPath: modelPath))
            let daemon = try RunningDaemon(configPath: directory.path("anomalyd.toml"), directory: directory, name: "damaged\(round)")
            #expect(await daemon.waitForLog("listening"), "round \(round): \(daemon.log)")
            let line = daemon.logLines(containing: "saved model not used").first.map(String.init) ?? ""
            #expect(line.contains(modelPath) && line.contains(cause) && line.contains("damaged") && line.contains("moved_to"),
                    "round \(round): \(daemon.log)")
            #expect(!FileManager.default.fileExists(atPath: modelPath), "round \(round): the damaged file must be moved aside")
            let metrics = httpGet(port: config.metricsPort, path: "/metrics").body
            #expect(metricValue(metrics, "anomalyd_model_files_damaged_total") == 1, "round \(round)")
            #expect(httpGet(port: config.metricsPort, path: "/readyz").status == 200)
            if round == 0 {
                // The group retrains, and the new file is whole.
                let peer = try RunRestartTests.streamPeer(
                    config, ["send:\(directory.path("train.jsonl"))", "wait-model:trained", "quiet:1"], directory, name: "retrain")
                #expect(await peer.waitForExit() == 0, "\(peer.errors)\n\(daemon.log)")
            }
            #expect(await daemon.stop() == 0, "\(daemon.log)")
            if round == 0 {
                let inspect = try AnomalydProcess.run(["inspect", modelPath])
                #expect(inspect.status == 0, "\(inspect.stderr)")
                #expect(inspect.stdout.contains("crc32:") && inspect.stdout.contains("verified"), "\(inspect.stdout)")
            }
        }
        // Four files were moved aside; the newest three are kept, the bit-flipped one among them
        // no longer (it was the first), so a disk that keeps damaging files does not fill up.
        let aside = Self.movedAside(directory)
        #expect(aside.count == 3, "\(aside)")
        // inspect refuses a damaged file with the cause and exit 1.
        try flipped.write(to: URL(fileURLWithPath: directory.path("flipped.safetensors")))
        let inspect = try AnomalydProcess.run(["inspect", directory.path("flipped.safetensors")])
        #expect(inspect.status == 1 && inspect.stderr.contains("checksum mismatch")
                && inspect.stderr.contains(directory.path("flipped.safetensors")), "\(inspect.stderr)")

        // A valid model of another configuration (another window) is not used and not moved:
        // it stays until the group's next checkpoint replaces it.
        try good.write(to: URL(fileURLWithPath: modelPath))
        var other = config
        other.window = 16
        try other.write(to: directory.path("other.toml"))
        let daemon = try RunningDaemon(configPath: directory.path("other.toml"), directory: directory, name: "unfit")
        #expect(await daemon.waitForLog("listening"), "\(daemon.log)")
        let line = daemon.logLines(containing: "saved model not used").first.map(String.init) ?? ""
        #expect(line.contains(modelPath) && line.contains("unfit") && line.contains("another group configuration"), "\(daemon.log)")
        #expect(!line.contains("moved_to"))
        #expect(await daemon.stop() == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: modelPath)) == good)
        #expect(Self.movedAside(directory).count == 3)
    }

    /// Files written before model files had checksums (here: rewritten without the key by
    /// Python's safetensors, a writer of its own) are used, with a warning naming the file, and
    /// rewritten with a checksum at the next checkpoint.
    @Test func aModelWithoutAChecksumIsUsedWithAWarningAndRewrittenWithOne() async throws {
        let directory = try TemporaryDirectory()
        try SineStream.write(RunAlertTests.trainingLines(), to: directory.path("train.jsonl"))
        let config = DaemonConfig(stateDirectory: directory.path("state"))
        try config.write(to: directory.path("anomalyd.toml"))
        let modelPath = directory.path("state/models/sensors.safetensors")
        try await Self.trainOnce(config, configPath: directory.path("anomalyd.toml"), directory, name: "train")
        let strip = try PythonPeer(["-c", """
            import sys
            from safetensors import safe_open
            from safetensors.numpy import save_file
            with safe_open(sys.argv[1], framework="numpy") as f:
                meta = f.metadata()
                tensors = {k: f.get_tensor(k) for k in f.keys()}
            assert meta.pop("data_checksum").startswith("crc32:")
            assert meta.pop("metadata_checksum").startswith("crc32:")
            save_file(tensors, sys.argv[1], metadata=meta)
            """, modelPath], directory: directory, name: "strip")
        #expect(await strip.waitForExit() == 0, "\(strip.errors)")
        let legacy = try AnomalydProcess.run(["inspect", modelPath])
        #expect(legacy.status == 0 && legacy.stdout.contains("none (written before"), "\(legacy.stdout)\(legacy.stderr)")

        let daemon = try RunningDaemon(configPath: directory.path("anomalyd.toml"), directory: directory, name: "legacy")
        #expect(await daemon.waitForLog("model loaded"), "\(daemon.log)")
        #expect(daemon.logLines(containing: "has no checksum").first?.contains(modelPath) == true, "\(daemon.log)")
        #expect(await daemon.stop() == 0)
        #expect(daemon.logLines(containing: "model trained").isEmpty)
        let rewritten = try AnomalydProcess.run(["inspect", modelPath])
        #expect(rewritten.status == 0 && rewritten.stdout.contains("verified"), "\(rewritten.stdout)")
    }

    /// Whether this process may mount a tmpfs (root, and a sandbox that permits it).
    static func mountTmpfs(at path: String, size: String) -> String? {
        let result = try? AnomalydProcess.run(
            URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=\(size),mode=0700", "tmpfs", path])
        guard let result else { return "/bin/mount cannot be run" }
        return result.status == 0 ? nil : "mount -t tmpfs failed (\(result.status)): \(result.stderr)"
    }

    @Test func aFullDiskFailsTheCheckpointKeepsThePreviousFileCountsItAndTheDaemonServes() async throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path("state"), withIntermediateDirectories: true)
        if let reason = Self.mountTmpfs(at: directory.path("state"), size: "2m") {
            try Test.cancel("needs a tmpfs state directory to fill up: \(reason)")
        }
        defer { _ = try? AnomalydProcess.run(URL(fileURLWithPath: "/bin/umount"), ["-l", directory.path("state")]) }
        try SineStream.write(RunAlertTests.trainingLines(), to: directory.path("train.jsonl"))
        try SineStream.write(RunAlertTests.scenarioLines(119..<260), to: directory.path("more.jsonl"))
        var config = DaemonConfig(stateDirectory: directory.path("state"))
        config.checkpointEvery = "200ms"
        try config.write(to: directory.path("anomalyd.toml"))
        let modelPath = directory.path("state/models/sensors.safetensors")

        let daemon = try RunningDaemon(configPath: directory.path("anomalyd.toml"), directory: directory, name: "full")
        #expect(await daemon.waitForLog("listening"), "\(daemon.log)")
        let peer = try RunRestartTests.streamPeer(
            config, ["send:\(directory.path("train.jsonl"))", "wait-model:trained", "quiet:1"], directory, name: "train")
        #expect(await peer.waitForExit() == 0, "\(peer.errors)")
        #expect(await waitUntil(timeout: .seconds(10)) { FileManager.default.fileExists(atPath: modelPath) })
        try await Task.sleep(for: .milliseconds(500))  // the checkpoint after the install has run
        let before = try Data(contentsOf: URL(fileURLWithPath: modelPath))

        // Fill the file system, then send windows so the live calibration changes and the next
        // checkpoint must write.
        let fill = try AnomalydProcess.run(
            URL(fileURLWithPath: "/bin/dd"), ["if=/dev/zero", "of=\(directory.path("state/filler"))", "bs=4096"])
        #expect(fill.stderr.contains("No space left"), "\(fill.stderr)")
        let more = try RunRestartTests.streamPeer(config, ["send:\(directory.path("more.jsonl"))", "quiet:1"], directory, name: "more")
        #expect(await more.waitForExit() == 0, "\(more.errors)")
        #expect(!RunRestartTests.alertKeys(more).isEmpty, "the daemon must go on alerting on a full disk: \(daemon.log)")
        #expect(await daemon.waitForLog("checkpoint failed", timeout: .seconds(10)), "\(daemon.log)")
        let line = daemon.logLines(containing: "checkpoint failed").first.map(String.init) ?? ""
        #expect(line.contains(modelPath) && line.contains("No space left on device"), "\(line)")
        let metrics = httpGet(port: config.metricsPort, path: "/metrics").body
        #expect((metricValue(metrics, "anomalyd_checkpoint_failures_total") ?? 0) >= 1, "\(metrics)")
        #expect(httpGet(port: config.metricsPort, path: "/readyz").status == 200)
        #expect(try Data(contentsOf: URL(fileURLWithPath: modelPath)) == before, "the previous model file must stay intact")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path("state/models"))
        #expect(names == ["sensors.safetensors"], "no temporary file may be left behind: \(names)")

        // Space again: the next checkpoint writes the live calibration (same model version).
        try FileManager.default.removeItem(atPath: directory.path("state/filler"))
        let written = metricValue(metrics, "anomalyd_model_files_written_total") ?? 0
        #expect(await waitUntil(timeout: .seconds(10)) {
            metricValue(httpGet(port: config.metricsPort, path: "/metrics").body, "anomalyd_model_files_written_total") ?? 0 > written
        })
        #expect(await daemon.stop() == 0, "\(daemon.log)")
        let after = try Data(contentsOf: URL(fileURLWithPath: modelPath))
        #expect(after != before, "the adapted calibration must be saved")
        let inspect = try AnomalydProcess.run(["inspect", "--json", modelPath])
        #expect(inspect.status == 0 && inspect.stdout.contains("\"version\" : \"1\""), "\(inspect.stdout)")
        #expect(daemon.logLines(containing: "model trained").count == 1)
    }
}
