import Foundation
import Testing

/// Input beyond what the daemon can process costs records, never memory or the books: the input
/// queue is bounded in bytes (`input.queue_bytes`), what overflows is dropped whole and counted,
/// and every record that reached the daemon is accepted or rejected under one reason
/// (docs/RELIABILITY.md §3).
@Suite struct RunOverloadTests {
    /// The resident set of process `pid` in bytes, from `/proc/<pid>/status`.
    static func residentBytes(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kib * 1024
    }

    static func total(_ metrics: String, _ name: String) -> Int { Int(metricValue(metrics, name) ?? -1) }

    @Test func aFloodIsDroppedCountedAndBoundedAndTheDaemonRecovers() async throws {
        let directory = try TemporaryDirectory()
        var config = DaemonConfig(stateDirectory: directory.path("state"))
        config.queueBytes = 1 << 16  // the smallest queue: the flood must overflow it
        config.maxMessageBytes = 1 << 14
        config.minWindows = 2_000  // no model in the flood: 10 series never fill the reservoir's 2,000 windows in time
        try config.write(to: directory.path("anomalyd.toml"))
        let daemon = try RunningDaemon(configPath: directory.path("anomalyd.toml"), directory: directory)
        #expect(await daemon.waitForLog("listening"), "\(daemon.log)")
        let pid = daemon.process.processIdentifier
        let baseline = try #require(Self.residentBytes(of: pid))

        // 4,000 messages of 100 records: far more per second than the daemon parses and windows.
        let messages = 4_000, perMessage = 100
        let flood = try PythonPeer(
            [PythonPeer.script("flood_peer.py"), "--input", config.input, "--messages", "\(messages)",
             "--per-message", "\(perMessage)", "--series", "10"], directory: directory, name: "flood")
        var slowest = Duration.zero, peak = baseline, scrapes = 0
        while flood.process.isRunning {
            let began = ContinuousClock.now
            let status = httpGet(port: config.metricsPort, path: "/metrics").status
            slowest = max(slowest, ContinuousClock.now - began)
            #expect(status == 200)
            scrapes += 1
            peak = max(peak, Self.residentBytes(of: pid) ?? 0)
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(await flood.waitForExit() == 0, "\(flood.errors)")
        let sent = messages * perMessage

        // Every record that left the producer reaches the daemon's books.
        var metrics = ""
        let arrived = await waitUntil(timeout: .seconds(60)) {
            metrics = httpGet(port: config.metricsPort, path: "/metrics").body
            peak = max(peak, Self.residentBytes(of: pid) ?? 0)
            return Self.total(metrics, "anomalyd_records_received_total") == sent
                && Self.total(metrics, "anomalyd_input_queue_bytes") == 0
        }
        #expect(arrived, "\(metrics)")
        // Settle: the gauge is set between bursts, so read the books once more after it is 0.
        try await Task.sleep(for: .milliseconds(300))
        metrics = httpGet(port: config.metricsPort, path: "/metrics").body
        let accepted = Self.total(metrics, "anomalyd_records_accepted_total")
        let dropped = Self.total(metrics, #"anomalyd_records_rejected_total{reason="dropped_queue_full"}"#)
        let droppedMessages = Self.total(metrics, "anomalyd_input_messages_dropped_total")
        #expect(Self.total(metrics, "anomalyd_messages_received_total") == messages)
        #expect(dropped > 0, "the flood never overflowed the queue: \(metrics)")
        #expect(dropped == droppedMessages * perMessage)
        #expect(accepted + dropped == sent, "accepted \(accepted) + dropped \(dropped) != sent \(sent)")
        for reason in ["malformed", "too_large", "no_fields", "bad_timestamp", "series_limit", "late", "duplicate",
                       "unknown_group", "future_timestamp", "out_of_range"] {
            #expect(Self.total(metrics, #"anomalyd_records_rejected_total{reason="\#(reason)"}"#) == 0, "\(reason)")
        }
        // /metrics answered throughout (the listener has its own thread; the bound only catches a
        // listener blocked behind the flood: how fast it answers is Scripts/overload-harness's
        // figure, not a test's, on shared machines), and memory stayed bounded: the queue is
        // 64 KiB and libzmq's share is receive_hwm (1,000) messages of 5 KB.
        #expect(scrapes > 0)
        #expect(slowest < .seconds(10), "slowest /metrics: \(slowest)")
        #expect(peak - baseline < 150 << 20, "RSS grew by \((peak - baseline) >> 20) MiB")

        // After the flood, processing is back to normal: nothing more is dropped.
        let calm = try PythonPeer(
            [PythonPeer.script("flood_peer.py"), "--input", config.input, "--messages", "10",
             "--per-message", "\(perMessage)", "--series", "10", "--start", "1750000000"],
            directory: directory, name: "calm")
        #expect(await calm.waitForExit() == 0, "\(calm.errors)")
        #expect(await waitUntil(timeout: .seconds(30)) {
            metrics = httpGet(port: config.metricsPort, path: "/metrics").body
            return Self.total(metrics, "anomalyd_records_received_total") == sent + 10 * perMessage
        })
        try await Task.sleep(for: .milliseconds(300))
        metrics = httpGet(port: config.metricsPort, path: "/metrics").body
        #expect(Self.total(metrics, "anomalyd_records_accepted_total") == accepted + 10 * perMessage, "\(metrics)")
        #expect(Self.total(metrics, #"anomalyd_records_rejected_total{reason="dropped_queue_full"}"#) == dropped)
        #expect(httpGet(port: config.metricsPort, path: "/healthz").status == 200)
        #expect(daemon.process.isRunning)
        #expect(await daemon.stop() == 0)
    }
}
