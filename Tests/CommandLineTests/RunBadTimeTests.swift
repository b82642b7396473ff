import Foundation
import Testing

/// Bad clocks and bad values are counted under a reason and poison nothing (docs/RELIABILITY.md
/// §5): a point from the year 2100 no longer moves a series' window into the future and locks its
/// real points out as `late`, a value beyond Float range is refused instead of becoming +inf in
/// the window, and a burst of new series names stops at `max_series`, counted.
@Suite struct RunBadTimeTests {
    static func total(_ metrics: String, _ name: String) -> Int { Int(metricValue(metrics, name) ?? -1) }
    static func rejected(_ metrics: String, _ reason: String) -> Int {
        total(metrics, #"anomalyd_records_rejected_total{reason="\#(reason)"}"#)
    }

    @Test func badTimesAndValuesAreCountedAndTheSeriesCarriesOn() async throws {
        let directory = try TemporaryDirectory()
        var config = DaemonConfig(stateDirectory: directory.path("state"))
        config.maxSeries = 100
        try config.write(to: directory.path("anomalyd.toml"))
        let origin = SineStream.origin
        var lines: [String] = []
        lines += SineStream.lines(series: "pump-1", 0..<100)
        // A bad clock: the year 2100, then 1e10 s (the year 2286), both far beyond max_future.
        lines += [#"{"series":"pump-1","ts":4102444800,"value":1}"#, #"{"series":"pump-1","ts":1e10,"value":1}"#]
        lines += SineStream.lines(series: "pump-1", 100..<200)  // accepted: the window did not move
        lines += [SineStream.lines(series: "pump-1", 199..<200)[0]]  // duplicate
        lines += [SineStream.lines(series: "pump-1", 10..<11)[0]]  // out of order: late
        // Values beyond Float range (as Doubles they are finite): refused, not +inf in the window.
        lines += [#"{"series":"pump-1","ts":\#(origin + 200),"value":1e308}"#]
        lines += [#"{"series":"pump-1","ts":\#(origin + 200),"value":-3.5e38}"#]
        // Missing values (JSON null, Influx inf and nan) and a negative zero are accepted.
        lines += [#"{"series":"pump-1","ts":\#(origin + 200),"value":null}"#]
        lines += ["pump-1 value=inf \(Int(origin + 201) * 1_000_000_000)"]
        lines += ["pump-1 value=-nan \(Int(origin + 202) * 1_000_000_000)"]
        lines += [#"{"series":"pump-1","ts":\#(origin + 203),"value":-0.0}"#]
        lines += SineStream.lines(series: "pump-1", 204..<400)
        // A new series whose first point is from 1970 goes on with today's points.
        lines += [#"{"series":"pump-2","ts":1,"value":1}"#] + SineStream.lines(series: "pump-2", 0..<30)
        // A burst of 5,000 new names: 98 more fit under max_series = 100, the rest are counted.
        lines += (0..<5_000).map { #"{"series":"burst-\#($0)","ts":\#(origin),"value":1}"# }
        try SineStream.write(lines, to: directory.path("bad.jsonl"))

        let daemon = try RunningDaemon(configPath: directory.path("anomalyd.toml"), directory: directory)
        #expect(await daemon.waitForLog("listening"), "\(daemon.log)")
        let peer = try PythonPeer(
            [PythonPeer.script("stream_peer.py"), "--input", config.input, "--per-message", "50",
             "send:\(directory.path("bad.jsonl"))", "sleep:0.5"], directory: directory, name: "peer")
        #expect(await peer.waitForExit() == 0, "\(peer.errors)")

        var metrics = ""
        #expect(await waitUntil(timeout: .seconds(60)) {
            metrics = httpGet(port: config.metricsPort, path: "/metrics").body
            return Self.total(metrics, "anomalyd_records_received_total") == lines.count
        }, "\(metrics)")
        try await Task.sleep(for: .milliseconds(300))
        metrics = httpGet(port: config.metricsPort, path: "/metrics").body
        #expect(Self.rejected(metrics, "future_timestamp") == 2)
        #expect(Self.rejected(metrics, "duplicate") == 1)
        #expect(Self.rejected(metrics, "late") == 1, "only the one out-of-order point: the window never moved")
        #expect(Self.rejected(metrics, "out_of_range") == 2)
        #expect(Self.rejected(metrics, "series_limit") == 5_000 - 98)
        for reason in ["malformed", "too_large", "no_fields", "bad_timestamp", "unknown_group", "dropped_queue_full"] {
            #expect(Self.rejected(metrics, reason) == 0, "\(reason)")
        }
        // The books balance: every record accepted or rejected once.
        let rejected = 2 + 1 + 1 + 2 + (5_000 - 98)
        #expect(Self.total(metrics, "anomalyd_records_accepted_total") == lines.count - rejected)
        #expect(Self.total(metrics, "anomalyd_series_active") == 100)
        // Nothing reached the window that could poison it: pump-1's clean sine trained a model
        // and raised no alert.
        #expect(await daemon.waitForLog("model trained", timeout: .seconds(120)), "\(daemon.log)")
        metrics = httpGet(port: config.metricsPort, path: "/metrics").body
        #expect(Self.total(metrics, #"anomalyd_alerts_published_total{state="open"}"#) == 0, "\(daemon.log)")
        #expect(daemon.process.isRunning)
        #expect(await daemon.stop() == 0)
    }

    /// After a burst of names fills `max_series`, the idle ones expire after `series_idle` and
    /// new series are admitted again, without a restart.
    @Test func idleSeriesExpireAndNewSeriesAreAdmittedAgain() async throws {
        let directory = try TemporaryDirectory()
        var config = DaemonConfig(stateDirectory: directory.path("state"))
        config.maxSeries = 10
        config.seriesIdle = "2s"
        try config.write(to: directory.path("anomalyd.toml"))
        let origin = SineStream.origin
        try SineStream.write((0..<15).map { #"{"series":"old-\#($0)","ts":\#(origin),"value":1}"# },
                             to: directory.path("old.jsonl"))
        try SineStream.write((0..<5).map { #"{"series":"new-\#($0)","ts":\#(origin),"value":1}"# },
                             to: directory.path("new.jsonl"))
        let daemon = try RunningDaemon(configPath: directory.path("anomalyd.toml"), directory: directory)
        #expect(await daemon.waitForLog("listening"), "\(daemon.log)")
        let old = try PythonPeer(
            [PythonPeer.script("stream_peer.py"), "--input", config.input, "send:\(directory.path("old.jsonl"))"],
            directory: directory, name: "old")
        #expect(await old.waitForExit() == 0, "\(old.errors)")
        var metrics = ""
        #expect(await waitUntil(timeout: .seconds(30)) {
            metrics = httpGet(port: config.metricsPort, path: "/metrics").body
            return Self.total(metrics, "anomalyd_records_received_total") == 15
        })
        #expect(Self.rejected(metrics, "series_limit") == 5)
        #expect(await waitUntil(timeout: .seconds(30)) {
            metrics = httpGet(port: config.metricsPort, path: "/metrics").body
            return Self.total(metrics, "anomalyd_series_expired_total") == 10
        }, "\(metrics)")
        #expect(Self.total(metrics, "anomalyd_series_active") == 0)
        #expect(daemon.logLines(containing: "idle series expired").count >= 1)
        let new = try PythonPeer(
            [PythonPeer.script("stream_peer.py"), "--input", config.input, "send:\(directory.path("new.jsonl"))"],
            directory: directory, name: "new")
        #expect(await new.waitForExit() == 0, "\(new.errors)")
        #expect(await waitUntil(timeout: .seconds(30)) {
            metrics = httpGet(port: config.metricsPort, path: "/metrics").body
            return Self.total(metrics, "anomalyd_records_received_total") == 20
        })
        #expect(Self.rejected(metrics, "series_limit") == 5, "the new series were admitted")
        #expect(Self.total(metrics, "anomalyd_records_accepted_total") == 15)
        #expect(await daemon.stop() == 0)
    }
}
