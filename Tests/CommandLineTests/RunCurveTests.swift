import Foundation
import Testing

/// `[security] curve = true` (docs/DESIGN.md §9): both sockets are CURVE servers behind a ZAP allowlist
/// of the keys in `authorized_keys_dir`; everyone else is refused and counted.
@Suite struct RunCurveTests {
    @Test func onlyAuthorisedKeysPublishAndSubscribeAndRefusalsAreCounted() async throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path("authorized"), withIntermediateDirectories: true)
        #expect(try AnomalydProcess.run(["keygen", "--out", directory.path("server")]).status == 0)
        #expect(try AnomalydProcess.run(["keygen", "--out", directory.path("client")]).status == 0)
        try FileManager.default.copyItem(
            atPath: directory.path("client.pub"), toPath: directory.path("authorized/client.pub"))
        let serverKey = try String(contentsOfFile: directory.path("server.pub"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)

        var config = DaemonConfig(stateDirectory: directory.path("state"))
        config.curve = (directory.path("server.key"), directory.path("authorized"))
        try config.write(to: directory.path("anomalyd.toml"))
        let training = RunAlertTests.trainingLines(), scenario = RunAlertTests.scenarioLines(119..<260)
        try SineStream.write(training, to: directory.path("train.jsonl"))
        try SineStream.write(scenario, to: directory.path("spike.jsonl"))
        try SineStream.write(SineStream.lines(series: "intruder", 0..<50), to: directory.path("intruder.jsonl"))

        let daemon = try RunningDaemon(configPath: directory.path("anomalyd.toml"), directory: directory)
        #expect(await daemon.waitForLog("curve=true"), "\(daemon.log)")
        let stranger = try PythonPeer(
            [PythonPeer.script("stream_peer.py"), "--output", config.output, "--curve-server-key", serverKey,
             "sleep:600"], directory: directory, name: "stranger")
        let authorised = try PythonPeer(
            [PythonPeer.script("stream_peer.py"), "--input", config.input, "--output", config.output,
             "--curve-server-key", serverKey, "--curve-client", directory.path("client"), "--per-message", "10",
             "send:\(directory.path("train.jsonl"))", "wait-model:trained", "send:\(directory.path("spike.jsonl"))",
             "wait-alerts:1", "quiet:2"], directory: directory, name: "authorised")
        let intruder = try PythonPeer(
            [PythonPeer.script("stream_peer.py"), "--input", config.input, "--curve-server-key", serverKey,
             "--linger", "0", "send:\(directory.path("intruder.jsonl"))", "sleep:2"], directory: directory, name: "intruder")
        #expect(await authorised.waitForExit() == 0, "\(authorised.errors)\n\(daemon.log)")
        #expect(await intruder.waitForExit() == 0, "\(intruder.errors)")

        let received = authorised.objects.compactMap { $0["topic"] as? String }
        #expect(received.contains("model.sensors"))
        #expect(received.contains("alert.sensors.pump-1"), "\(received)")
        #expect(stranger.process.isRunning, "\(stranger.errors)")
        #expect(stranger.objects.filter { $0["topic"] != nil }.isEmpty, "an unauthorised subscriber got \(stranger.output)")
        stranger.kill()

        var metrics = ""
        #expect(await waitUntil(timeout: .seconds(10)) {
            metrics = httpGet(port: config.metricsPort, path: "/metrics").body
            return (metricValue(metrics, "anomalyd_curve_denied_total") ?? 0) >= 2
        }, "both strangers must be refused and counted: \(metrics)")
        #expect(metricValue(metrics, "anomalyd_records_received_total") == Double(training.count + scenario.count))
        #expect((metricValue(metrics, "anomalyd_curve_allowed_total") ?? 0) >= 2)
        #expect(metricValue(metrics, "anomalyd_series_active") == 2)

        // SIGHUP re-reads authorized_keys_dir: a newly authorised client gets in.
        #expect(try AnomalydProcess.run(["keygen", "--out", directory.path("client2")]).status == 0)
        try FileManager.default.copyItem(
            atPath: directory.path("client2.pub"), toPath: directory.path("authorized/client2.pub"))
        daemon.send(SIGHUP)
        #expect(await daemon.waitForLog("configuration reloaded"), "\(daemon.log)")
        func publishAsClient2(_ points: Range<Int>, name: String) async throws {
            try SineStream.write(SineStream.lines(series: "late-3", points), to: directory.path("\(name).jsonl"))
            let peer = try PythonPeer(
                [PythonPeer.script("stream_peer.py"), "--input", config.input, "--curve-server-key", serverKey,
                 "--curve-client", directory.path("client2"), "send:\(directory.path("\(name).jsonl"))", "sleep:0.5"],
                directory: directory, name: name)
            #expect(await peer.waitForExit() == 0, "\(peer.errors)")
        }
        let before = metricValue(metrics, "anomalyd_records_received_total") ?? 0
        try await publishAsClient2(0..<10, name: "client2-a")
        #expect(await waitUntil(timeout: .seconds(10)) {
            metricValue(httpGet(port: config.metricsPort, path: "/metrics").body, "anomalyd_records_received_total")
                == before + 10
        }, "the newly authorised key was refused: \(daemon.log)")

        // A reload that rebuilds the CURVE sockets (a second output endpoint) keeps them secure.
        var changed = config
        changed.outputs.append("tcp://127.0.0.1:\(freeLoopbackPort())")
        try changed.write(to: directory.path("anomalyd.toml"))
        daemon.send(SIGHUP)
        #expect(await daemon.waitForLog("configuration reloaded", count: 2), "\(daemon.log)")
        try await publishAsClient2(10..<20, name: "client2-b")
        #expect(await waitUntil(timeout: .seconds(10)) {
            metricValue(httpGet(port: config.metricsPort, path: "/metrics").body, "anomalyd_records_received_total")
                == before + 20
        }, "\(daemon.log)")
        let deniedBefore = metricValue(httpGet(port: config.metricsPort, path: "/metrics").body, "anomalyd_curve_denied_total") ?? 0
        let intruder2 = try PythonPeer(
            [PythonPeer.script("stream_peer.py"), "--input", config.input, "--curve-server-key", serverKey,
             "--linger", "0", "send:\(directory.path("intruder.jsonl"))", "sleep:1"], directory: directory, name: "intruder2")
        #expect(await intruder2.waitForExit() == 0)
        #expect(await waitUntil(timeout: .seconds(10)) {
            let text = httpGet(port: config.metricsPort, path: "/metrics").body
            return (metricValue(text, "anomalyd_curve_denied_total") ?? 0) > deniedBefore
        }, "refusals after the rebuild must still be counted")
        #expect(metricValue(httpGet(port: config.metricsPort, path: "/metrics").body, "anomalyd_records_received_total")
                == before + 20)
        #expect(await daemon.stop() == 0)
    }
}
