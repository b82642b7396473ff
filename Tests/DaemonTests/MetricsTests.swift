import Records
import Daemon
import Testing

@Suite struct MetricsTests {
    private func render(_ metrics: DaemonMetrics) -> String {
        var buffer: [UInt8] = []
        metrics.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The sample lines of the exposition (no `# HELP` / `# TYPE`).
    private func samples(_ text: String) -> Set<String> {
        Set(text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") })
    }

    @Test func exposesEveryNameOfSpecSection8WithPrefix() {
        let text = render(DaemonMetrics(version: "9.9.9"))
        let counters = [
            "records_received_total", "records_rejected_total", "records_accepted_total", "messages_received_total", "bytes_received_total",
            "windows_scored_total", "alerts_published_total", "models_trained_total",
            "curve_allowed_total", "curve_denied_total", "input_messages_dropped_total", "alert_send_failures_total",
            "alerts_missed_total", "series_expired_total", "checkpoint_failures_total", "model_files_written_total", "model_files_damaged_total",
        ]
        for name in counters {
            #expect(text.contains("# TYPE anomalyd_\(name) counter\n"), "\(name)")
        }
        for name in ["series_active", "ready", "build_info", "first_model_seconds", "input_queue_bytes"] {
            #expect(text.contains("# TYPE anomalyd_\(name) gauge\n"), "\(name)")
        }
        for name in ["model_training_seconds", "scoring_seconds", "record_to_alert_seconds"] {
            #expect(text.contains("# TYPE anomalyd_\(name) histogram\n"), "\(name)")
        }
        // Nothing without the prefix, and nothing beyond the list above.
        let families = Set(text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] })
        #expect(families.count == counters.count + 5 + 3)
        #expect(families.allSatisfy { $0.hasPrefix("anomalyd_") })
    }

    @Test func startsAtZeroWithBuildInfoAndNotReady() {
        let metrics = DaemonMetrics(version: "1.2.3")
        let lines = samples(render(metrics))
        #expect(lines.contains(#"anomalyd_build_info{version="1.2.3"} 1.0"#))
        #expect(lines.contains("anomalyd_ready 0.0"))
        #expect(lines.contains("anomalyd_records_received_total 0"))
        #expect(lines.contains("anomalyd_scoring_seconds_count 0"))
        #expect(!metrics.isReady)
    }

    @Test func preCreatesOneRejectionSeriesPerReason() {
        let lines = samples(render(DaemonMetrics()))
        let labels = [
            "malformed", "too_large", "no_fields", "bad_timestamp", "series_limit", "late", "duplicate",
            "unknown_group", "dropped_queue_full", "future_timestamp", "out_of_range",
        ]
        #expect(RejectReason.allCases.map(\.label) == labels)
        for label in labels {
            #expect(lines.contains(#"anomalyd_records_rejected_total{reason="\#(label)"} 0"#), "\(label)")
        }
        for state in ["open", "ongoing", "resolved"] {
            #expect(lines.contains(#"anomalyd_alerts_published_total{state="\#(state)"} 0"#), "\(state)")
        }
        for result in ["trained", "rejected", "failed"] {
            #expect(lines.contains(#"anomalyd_models_trained_total{result="\#(result)"} 0"#), "\(result)")
        }
    }

    @Test func rawValuesIndexTheLabelledCounters() {
        let metrics = DaemonMetrics()
        #expect(metrics.recordsRejected.count == RejectReason.allCases.count)
        #expect(RejectReason.allCases.map(\.rawValue) == Array(metrics.recordsRejected.indices))
        #expect(DaemonMetrics.AlertState.allCases.map(\.rawValue) == Array(metrics.alertsPublished.indices))
        #expect(DaemonMetrics.TrainingResult.allCases.map(\.rawValue) == Array(metrics.modelsTrained.indices))
    }

    @Test func rendersValuesAfterIncrements() {
        let metrics = DaemonMetrics()
        metrics.messageReceived(bytes: 120, records: 3)
        metrics.messageReceived(bytes: 80, records: 2)
        metrics.recordRejected(.tooLarge)
        metrics.recordRejected(.droppedQueueFull, count: 7)
        metrics.windowsScored.increment(by: Int64(42))
        metrics.alertPublished(.open)
        metrics.alertPublished(.resolved)
        metrics.alertPublished(.resolved)
        metrics.seriesActive.set(Int64(12))
        metrics.modelTrained(.trained, duration: .seconds(3))
        metrics.modelTrained(.failed, duration: .milliseconds(200))
        metrics.scoringSeconds.record(.microseconds(30))
        metrics.recordToAlertSeconds.record(.milliseconds(2))
        metrics.curveAllowed.increment()
        metrics.curveDenied.increment(by: Int64(2))
        metrics.setReady(true)

        let lines = samples(render(metrics))
        let expected = [
            "anomalyd_messages_received_total 2",
            "anomalyd_bytes_received_total 200",
            "anomalyd_records_received_total 5",
            #"anomalyd_records_rejected_total{reason="too_large"} 1"#,
            #"anomalyd_records_rejected_total{reason="dropped_queue_full"} 7"#,
            #"anomalyd_records_rejected_total{reason="malformed"} 0"#,
            "anomalyd_windows_scored_total 42",
            #"anomalyd_alerts_published_total{state="open"} 1"#,
            #"anomalyd_alerts_published_total{state="ongoing"} 0"#,
            #"anomalyd_alerts_published_total{state="resolved"} 2"#,
            "anomalyd_series_active 12.0",
            #"anomalyd_models_trained_total{result="trained"} 1"#,
            #"anomalyd_models_trained_total{result="failed"} 1"#,
            "anomalyd_model_training_seconds_count 2",
            "anomalyd_model_training_seconds_sum 3.2",
            #"anomalyd_model_training_seconds_bucket{le="0.5"} 1"#,
            #"anomalyd_model_training_seconds_bucket{le="5.0"} 2"#,
            "anomalyd_scoring_seconds_count 1",
            #"anomalyd_scoring_seconds_bucket{le="0.000025"} 0"#,
            #"anomalyd_scoring_seconds_bucket{le="0.00005"} 1"#,
            #"anomalyd_scoring_seconds_bucket{le="+Inf"} 1"#,
            "anomalyd_record_to_alert_seconds_count 1",
            "anomalyd_curve_allowed_total 1",
            "anomalyd_curve_denied_total 2",
            "anomalyd_ready 1.0",
        ]
        for line in expected {
            #expect(lines.contains(line), "\(line)")
        }
        #expect(metrics.isReady)
        metrics.setReady(false)
        #expect(samples(render(metrics)).contains("anomalyd_ready 0.0"))
    }
}
