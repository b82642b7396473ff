import Foundation
import Testing

/// Bad input never stops `anomalyd run`: malformed lines, records of no group and oversized
/// messages are counted exactly by reason (docs/DESIGN.md §3, §8) while the daemon keeps serving.
@Suite struct RunRejectTests {
    @Test func malformedLinesAndOversizedMessagesAreCountedExactlyAndTheDaemonKeepsServing() async throws {
        let directory = try TemporaryDirectory()
        var config = DaemonConfig(stateDirectory: directory.path("state"))
        config.match = "pump-*"
        config.maxMessageBytes = 1000
        try config.write(to: directory.path("anomalyd.toml"))
        // 100 messages of 10 lines: 6 good records, 3 malformed lines, 1 record of no group.
        var lines: [String] = []
        var point = 0
        for block in 0..<100 {
            for _ in 0..<6 {
                lines += SineStream.lines(series: "pump-1", point..<(point + 1))
                point += 1
            }
            lines += [#"{not json at all"#, #"{"series":"pump-1","ts":17,"value":1"#, "{\(block)"]
            lines += [#"{"series":"other-1","ts":\#(1_700_000_000 + block),"value":1}"#]
        }
        try SineStream.write(lines, to: directory.path("mixed.jsonl"))

        let daemon = try RunningDaemon(configPath: directory.path("anomalyd.toml"), directory: directory)
        #expect(await daemon.waitForLog("listening"))
        // 7 messages above max_message_bytes (but within the hard limit libzmq enforces).
        let peer = try PythonPeer(
            [PythonPeer.script("stream_peer.py"), "--input", config.input, "--per-message", "10",
             "send:\(directory.path("mixed.jsonl"))", "big:5000:7", "sleep:0.5"], directory: directory, name: "peer")
        #expect(await peer.waitForExit() == 0, "\(peer.errors)")

        var metrics = ""
        let counted = await waitUntil(timeout: .seconds(30)) {
            metrics = httpGet(port: config.metricsPort, path: "/metrics").body
            return metricValue(metrics, "anomalyd_messages_received_total") == 107
        }
        #expect(counted, "\(metrics)")
        // Every record line that arrived is received once and accepted or rejected once: the 7
        // oversized messages (one line each) included, so 600 good + 300 + 100 + 7 = 1,007.
        #expect(metricValue(metrics, "anomalyd_records_received_total") == 1007)
        #expect(metricValue(metrics, #"anomalyd_records_rejected_total{reason="malformed"}"#) == 300)
        #expect(metricValue(metrics, #"anomalyd_records_rejected_total{reason="unknown_group"}"#) == 100)
        #expect(metricValue(metrics, #"anomalyd_records_rejected_total{reason="too_large"}"#) == 7)
        for reason in ["no_fields", "bad_timestamp", "series_limit", "late", "duplicate"] {
            #expect(metricValue(metrics, #"anomalyd_records_rejected_total{reason="\#(reason)"}"#) == 0, "\(reason)")
        }
        #expect(metricValue(metrics, "anomalyd_series_active") == 1)
        #expect(metricValue(metrics, "anomalyd_ready") == 1)
        // Rejections are logged, rate-limited: one line per reason here, never one per record.
        #expect(daemon.logLines(containing: "rejected record").count <= 3, "\(daemon.log)")
        #expect(daemon.logLines(containing: "reason=malformed").count == 1)

        // Far beyond the limit libzmq drops the connection before the message is held; the
        // daemon carries on and counts the next producer's records.
        let huge = try PythonPeer(
            [PythonPeer.script("stream_peer.py"), "--input", config.input, "--linger", "0.5", "big:100000:3", "sleep:0.5"],
            directory: directory, name: "huge")
        #expect(await huge.waitForExit() == 0, "\(huge.errors)")
        try SineStream.write(SineStream.lines(series: "pump-1", 600..<610), to: directory.path("more.jsonl"))
        let more = try PythonPeer(
            [PythonPeer.script("stream_peer.py"), "--input", config.input, "send:\(directory.path("more.jsonl"))"],
            directory: directory, name: "more")
        #expect(await more.waitForExit() == 0, "\(more.errors)")
        #expect(await waitUntil(timeout: .seconds(30)) {
            metricValue(httpGet(port: config.metricsPort, path: "/metrics").body, "anomalyd_records_received_total") == 1017
        })
        #expect(httpGet(port: config.metricsPort, path: "/readyz").status == 200)
        #expect(httpGet(port: config.metricsPort, path: "/healthz").status == 200)
        #expect(daemon.process.isRunning)
        #expect(await daemon.stop() == 0)
    }
}
