import Foundation
import Testing

/// SIGHUP re-reads the configuration (docs/DESIGN.md §5): a valid change is applied (a new topic prefix
/// and a second output endpoint are observable by a subscriber); an invalid file is rejected
/// whole, logged with the key at fault, and the daemon keeps serving with the running one.
@Suite struct RunReloadTests {
    @Test func sighupAppliesAValidConfigurationAndKeepsTheRunningOneWhenTheFileIsInvalid() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("anomalyd.toml")
        var config = DaemonConfig(stateDirectory: directory.path("state"))
        try config.write(to: path)
        try SineStream.write(RunAlertTests.trainingLines(), to: directory.path("train.jsonl"))
        try SineStream.write(RunAlertTests.scenarioLines(119..<260), to: directory.path("spike.jsonl"))
        try SineStream.write(RunAlertTests.scenarioLines(260..<400), to: directory.path("shift.jsonl"))

        let daemon = try RunningDaemon(configPath: path, directory: directory)
        #expect(await daemon.waitForLog("listening"))
        let trainer = try PythonPeer(
            [PythonPeer.script("stream_peer.py"), "--input", config.input, "--output", config.output,
             "--per-message", "10", "send:\(directory.path("train.jsonl"))", "wait-model:trained"],
            directory: directory, name: "trainer")
        #expect(await trainer.waitForExit() == 0, "\(trainer.errors)")

        // A valid change: another topic prefix and a second output endpoint.
        let second = "tcp://127.0.0.1:\(freeLoopbackPort())"
        config.topicPrefix = "anomaly."
        config.outputs.append(second)
        try config.write(to: path)
        daemon.send(SIGHUP)
        #expect(await daemon.waitForLog("configuration reloaded"), "\(daemon.log)")
        let spike = try PythonPeer(
            [PythonPeer.script("stream_peer.py"), "--input", config.input, "--output", second,
             "--per-message", "10", "send:\(directory.path("spike.jsonl"))", "wait-alerts:1", "quiet:2"],
            directory: directory, name: "spike")
        #expect(await spike.waitForExit() == 0, "\(spike.errors)\n\(daemon.log)")
        let spikeTopics = spike.objects.compactMap { $0["topic"] as? String }
        #expect(!spikeTopics.isEmpty && spikeTopics.allSatisfy { $0 == "anomaly.sensors.pump-1" }, "\(spikeTopics)")

        // An invalid file (a misspelt key): rejected whole, the running configuration stays.
        let valid = config.toml
        try valid.replacingOccurrences(of: "topic_prefix = \"anomaly.\"", with: "topic_prefx = \"broken.\"")
            .write(toFile: path, atomically: true, encoding: .utf8)
        daemon.send(SIGHUP)
        #expect(await daemon.waitForLog("output.topic_prefx"), "the rejected key must be logged: \(daemon.log)")
        #expect(daemon.logLines(containing: "configuration reloaded").count == 1, "\(daemon.log)")
        #expect(daemon.process.isRunning)
        #expect(httpGet(port: config.metricsPort, path: "/readyz").status == 200)
        let shift = try PythonPeer(
            [PythonPeer.script("stream_peer.py"), "--input", config.input, "--output", second,
             "--per-message", "10", "send:\(directory.path("shift.jsonl"))", "wait-alerts:1", "quiet:2"],
            directory: directory, name: "shift")
        #expect(await shift.waitForExit() == 0, "\(shift.errors)\n\(daemon.log)")
        let shiftTopics = shift.objects.compactMap { $0["topic"] as? String }
        #expect(!shiftTopics.isEmpty && shiftTopics.allSatisfy { $0 == "anomaly.sensors.pump-1" }, "\(shiftTopics)")

        // A file that cannot be parsed at all is rejected the same way.
        try "[output\nbind = ".write(toFile: path, atomically: true, encoding: .utf8)
        daemon.send(SIGHUP)
        #expect(await daemon.waitForLog("reload rejected", count: 2), "\(daemon.log)")
        #expect(httpGet(port: config.metricsPort, path: "/readyz").status == 200)
        #expect(await daemon.stop() == 0)
    }
}
