import Foundation
import Testing

/// `anomalyd run` end to end: a pyzmq producer publishes a unit sine with a spike and a level
/// shift, a pyzmq subscriber receives the alerts (docs/DESIGN.md §4).
@Suite struct RunAlertTests {
    /// Where the anomalies of ``scenarioLines(_:)`` sit, as point indices.
    static let spike = 200
    static let shift = 300..<340

    /// Training data for two series (points 0..<119 each, interleaved by time): exactly 200 windows
    /// of 20 points once the step is inferred, so the one training run always sees the same data.
    static func trainingLines() -> [String] {
        interleave(SineStream.lines(series: "pump-1", 0..<119), SineStream.lines(series: "clean-2", 0..<119))
    }

    /// The scored part: points `range` of both series; `pump-1` carries a +6 spike and a +3 level shift.
    static func scenarioLines(_ range: Range<Int> = 119..<400) -> [String] {
        let anomalous = SineStream.lines(series: "pump-1", range) { i in
            i == spike ? 6 : shift.contains(i) ? 3 : 0
        }
        return interleave(anomalous, SineStream.lines(series: "clean-2", range))
    }

    static func interleave(_ a: [String], _ b: [String]) -> [String] {
        zip(a, b).flatMap { [$0, $1] }
    }

    /// Run with scoring inline and on a second thread (the two-core split, forced on).
    @Test(arguments: ["0", "1"])
    func spikeAndLevelShiftRaiseAlertsThatMatchTheSpecAndCleanDataRaisesNone(scoringThread: String) async throws {
        let directory = try TemporaryDirectory()
        let config = DaemonConfig(stateDirectory: directory.path("state"))
        try config.write(to: directory.path("anomalyd.toml"))
        try SineStream.write(Self.trainingLines(), to: directory.path("train.jsonl"))
        try SineStream.write(Self.scenarioLines(), to: directory.path("scenario.jsonl"))

        let launched = ContinuousClock.now
        let daemon = try RunningDaemon(
            configPath: directory.path("anomalyd.toml"), directory: directory,
            environment: ["ANOMALYD_SCORING_THREAD": scoringThread])
        #expect(await daemon.waitForLog("listening"), "daemon did not start: \(daemon.log)")
        // No model yet: the time to the first one is not known.
        let before = httpGet(port: config.metricsPort, path: "/metrics").body
        #expect(metricValue(before, "anomalyd_first_model_seconds") == -1)
        let peer = try PythonPeer(
            [
                PythonPeer.script("stream_peer.py"), "--input", config.input, "--output", config.output,
                "--per-message", "10", "send:\(directory.path("train.jsonl"))", "wait-model:trained",
                "send:\(directory.path("scenario.jsonl"))", "quiet:3",
            ], directory: directory, name: "peer")
        let status = await peer.waitForExit(timeout: .seconds(150))
        #expect(status == 0, "peer: \(peer.errors)\n\(daemon.log)")
        let metrics = httpGet(port: config.metricsPort, path: "/metrics").body
        #expect(await daemon.stop() == 0)

        let messages = peer.objects.filter { $0["topic"] != nil }
        let models = messages.filter { ($0["topic"] as? String) == "model.sensors" }.compactMap { $0["body"] as? [String: Any] }
        #expect(models.contains { $0["kind"] as? String == "model" && $0["event"] as? String == "trained" })
        #expect(daemon.logLines(containing: "model trained").count == 1)

        let alerts = messages.filter { ($0["topic"] as? String)?.hasPrefix("alert.") == true }
        for alert in alerts { AlertSchema.check(alert) }
        let bodies = alerts.compactMap { $0["body"] as? [String: Any] }
        #expect(!bodies.contains { $0["series"] as? String == "clean-2" }, "clean series alerted: \(bodies)")
        let pump = bodies.filter { $0["series"] as? String == "pump-1" }
        #expect(bodies.allSatisfy { ($0["model"] as? [String: Any])?["version"] as? Int == 1 },
                "alerts by the model, none by the cold-start check: \(bodies)")
        let spikeTime = SineStream.origin + Double(Self.spike)
        let shiftTime = SineStream.origin + Double(Self.shift.lowerBound)
        #expect(!pump.contains { ($0["ts"] as? Double ?? 0) < spikeTime }, "alert before the spike: \(pump)")

        let episodes = AlertSchema.episodes(pump)
        #expect(episodes.count == 2, "expected a spike and a level-shift episode: \(pump)")
        guard episodes.count == 2 else { return }
        for (episode, start) in zip(episodes, [spikeTime, shiftTime]) {
            let states = episode.map { $0["state"] as? String ?? "" }
            #expect(states.first == "open" && states.last == "resolved", "\(states)")
            #expect(states.dropFirst().dropLast().allSatisfy { $0 == "ongoing" }, "\(states)")
            let opened = episode.first?["ts"] as? Double ?? 0
            #expect(opened >= start && opened <= start + 3, "opened at \(opened - SineStream.origin)")
            let resolved = episode.last?["ts"] as? Double ?? 0
            #expect(resolved > opened)
            let open = episode[0]
            #expect((open["score"] as? Double ?? 0) > (open["threshold"] as? Double ?? .infinity))
            #expect((open["severity"] as? Double ?? 0) > 1)
        }
        // The spike's episode resolves after resolve_after (3) normal windows, long before the shift.
        let spikeResolved = episodes[0].last?["ts"] as? Double ?? 0
        #expect(spikeResolved >= spikeTime + 3 && spikeResolved < shiftTime, "\(spikeResolved - SineStream.origin)")
        // The shift's episode lasts while the new level is unusual, and repeats every 10 s meanwhile.
        let ongoing = episodes[1].filter { $0["state"] as? String == "ongoing" }
        #expect(!ongoing.isEmpty, "repeat_every = 10s should repeat the level shift's episode: \(episodes[1].count) messages")

        // The metrics agree with what the subscriber saw.
        for state in ["open", "ongoing", "resolved"] {
            let seen = Double(pump.filter { $0["state"] as? String == state }.count)
            #expect(metricValue(metrics, #"anomalyd_alerts_published_total{state="\#(state)"}"#) == seen, "\(state)")
        }
        #expect(metricValue(metrics, #"anomalyd_models_trained_total{result="trained"}"#) == 1)
        // The first model's time since start: after the daemon started, and no longer than it
        // has been running (a loaded machine can make that minutes).
        let firstModel = metricValue(metrics, "anomalyd_first_model_seconds") ?? -1
        let running = launched.duration(to: .now) / .seconds(1)
        #expect(firstModel > 0 && firstModel <= running, "first_model_seconds \(firstModel), running \(running) s")
        #expect(metricValue(metrics, "anomalyd_series_active") == 2)
        #expect(metricValue(metrics, "anomalyd_records_received_total") == Double(2 * 400))
        // Every window of both series from the training run on is scored once it is full.
        #expect(metricValue(metrics, "anomalyd_windows_scored_total") == Double(2 * (400 - 19)))
        // Every batch the model scored was timed, on the work loop and on the scoring thread alike:
        // at least one batch, at most one per window the model saw (2 × 281 after training).
        let batches = try #require(metricValue(metrics, "anomalyd_scoring_seconds_count"), "\(metrics)")
        let seconds = try #require(metricValue(metrics, "anomalyd_scoring_seconds_sum"))
        #expect(batches >= 1 && batches <= Double(2 * (400 - 119)), "\(batches) batches")
        #expect(seconds > 0 && seconds < 30, "\(seconds) s")
        #expect(metricValue(metrics, #"anomalyd_scoring_seconds_bucket{le="+Inf"}"#) == batches)
        #expect(daemon.log.contains("stopped"))
    }
}

extension RunAlertTests {
    /// Before the first model, the cold-start check alerts on a spike: docs/DESIGN.md §4's message with
    /// model version 0 and `null` model scores, through the real daemon to a pyzmq subscriber;
    /// the clean series and the rest of the cold start stay quiet, and the model still trains on
    /// time.
    @Test func aSpikeBeforeTheFirstModelAlertsFromTheColdStartCheck() async throws {
        let directory = try TemporaryDirectory()
        let config = DaemonConfig(stateDirectory: directory.path("state"))
        try config.write(to: directory.path("anomalyd.toml"))
        let spike = 60
        let lines = Self.interleave(
            SineStream.lines(series: "pump-1", 0..<119) { $0 == spike ? 12 : 0 },
            SineStream.lines(series: "clean-2", 0..<119))
        try SineStream.write(lines, to: directory.path("train.jsonl"))

        let daemon = try RunningDaemon(configPath: directory.path("anomalyd.toml"), directory: directory)
        #expect(await daemon.waitForLog("listening"), "daemon did not start: \(daemon.log)")
        let peer = try PythonPeer(
            [
                PythonPeer.script("stream_peer.py"), "--input", config.input, "--output", config.output,
                "--per-message", "10", "send:\(directory.path("train.jsonl"))", "wait-model:trained", "quiet:2",
            ], directory: directory, name: "peer")
        let status = await peer.waitForExit(timeout: .seconds(150))
        #expect(status == 0, "peer: \(peer.errors)\n\(daemon.log)")
        #expect(await daemon.stop() == 0)

        let alerts = peer.objects.filter { ($0["topic"] as? String)?.hasPrefix("alert.") == true }
        for alert in alerts { AlertSchema.check(alert) }
        let bodies = alerts.compactMap { $0["body"] as? [String: Any] }
        #expect(bodies.allSatisfy { $0["series"] as? String == "pump-1" }, "\(bodies)")
        let states = bodies.map { $0["state"] as? String ?? "" }
        #expect(states.first == "open" && states.last == "resolved", "\(states)")
        let open = bodies.first ?? [:]
        // The check judges the step before the newest: the spike is known once the series is back.
        #expect(open["ts"] as? Double == SineStream.origin + Double(spike + 1))
        #expect((open["model"] as? [String: Any])?["version"] as? Int == 0)
        #expect((open["reconstruction"] as? [String: Any])?["nll"] is NSNull)
        #expect((open["severity"] as? Double ?? 0) > 1, "12 on a unit sine is far beyond the threshold: \(open)")
        let field = (open["fields"] as? [[String: Any]])?.first ?? [:]
        #expect(abs((field["value"] as? Double ?? 0) - SineStream.value(spike, series: "pump-1") - 12) < 1e-6)
        #expect(abs(field["expected"] as? Double ?? 99) < 1.5, "the context's mean, on the sine")
        let models = peer.objects.filter { ($0["topic"] as? String) == "model.sensors" }
        #expect(models.count == 1, "all 200 windows trained the first model")
    }
}

/// docs/DESIGN.md §4's alert message: keys and JSON types.
enum AlertSchema {
    static func check(_ message: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) {
        let topic = message["topic"] as? String ?? ""
        guard let body = message["body"] as? [String: Any] else {
            Issue.record("alert body is not a JSON object: \(message)", sourceLocation: sourceLocation)
            return
        }
        func expectKey<T>(_ object: [String: Any], _ key: String, _ type: T.Type) {
            #expect(object[key] is T, "\(key) should be \(T.self) in \(object)", sourceLocation: sourceLocation)
        }
        #expect(body["kind"] as? String == "anomaly", sourceLocation: sourceLocation)
        #expect(["open", "ongoing", "resolved"].contains(body["state"] as? String ?? ""), sourceLocation: sourceLocation)
        for key in ["id", "series", "group", "host"] { expectKey(body, key, String.self) }
        for key in ["ts", "score", "threshold", "severity"] { expectKey(body, key, Double.self) }
        let id = body["id"] as? String ?? ""
        #expect(id.count == 16 && id.allSatisfy(\.isHexDigit), "id \(id)", sourceLocation: sourceLocation)
        #expect(topic == "alert.\(body["group"] as? String ?? "").\(body["series"] as? String ?? "")",
                sourceLocation: sourceLocation)
        let window = body["window"] as? [String: Any] ?? [:]
        expectKey(window, "start", Double.self)
        expectKey(window, "end", Double.self)
        #expect(window["points"] as? Int == 20, "window \(window)", sourceLocation: sourceLocation)
        #expect((window["end"] as? Double) == (body["ts"] as? Double), sourceLocation: sourceLocation)
        #expect(((window["end"] as? Double) ?? 0) - ((window["start"] as? Double) ?? 0) == 19,
                sourceLocation: sourceLocation)
        for key in ["reconstruction", "latent"] {
            #expect(body[key] is [String: Any], "\(key)", sourceLocation: sourceLocation)
        }
        // Model version 0: judged by the warm-up check, before any model (the model scores are null).
        let model = body["model"] as? [String: Any] ?? [:]
        let warmUp = model["version"] as? Int == 0
        func expectScore(_ object: [String: Any], _ key: String) {
            if warmUp { #expect(object[key] is NSNull, "\(key) in \(object)", sourceLocation: sourceLocation) }
            else { expectKey(object, key, Double.self) }
        }
        expectScore(body["reconstruction"] as? [String: Any] ?? [:], "nll")
        expectScore(body["reconstruction"] as? [String: Any] ?? [:], "score")
        expectScore(body["latent"] as? [String: Any] ?? [:], "distance")
        expectScore(body["latent"] as? [String: Any] ?? [:], "score")
        let fields = body["fields"] as? [[String: Any]] ?? []
        #expect(fields.count == 1 && fields.first?["name"] as? String == "value", "\(fields)",
                sourceLocation: sourceLocation)
        for field in fields {
            for key in ["contribution", "value", "expected"] { expectKey(field, key, Double.self) }
        }
        #expect((model["version"] as? Int ?? -1) >= 0, "\(model)", sourceLocation: sourceLocation)
        if warmUp {
            #expect(model["trained_at"] is NSNull, "\(model)", sourceLocation: sourceLocation)
        } else {
            let trainedAt = model["trained_at"] as? String ?? ""
            #expect(ISO8601DateFormatter().date(from: trainedAt) != nil, "trained_at \(trainedAt)",
                    sourceLocation: sourceLocation)
        }
    }

    /// The messages grouped by episode id, in order of their first message.
    static func episodes(_ bodies: [[String: Any]]) -> [[[String: Any]]] {
        var order: [String] = []
        var byID: [String: [[String: Any]]] = [:]
        for body in bodies {
            let id = body["id"] as? String ?? ""
            if byID[id] == nil { order.append(id) }
            byID[id, default: []].append(body)
        }
        return order.map { byID[$0]! }
    }
}
