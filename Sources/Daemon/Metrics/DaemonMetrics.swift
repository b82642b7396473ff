import Atomics
import Detector
import Prometheus
import Records

/// The daemon's Prometheus metrics (docs/DESIGN.md §8), every name prefixed `anomalyd_`, in one
/// ``PrometheusCollectorRegistry`` that the metrics listener renders at `GET /metrics`.
///
/// All label values are created up front, so the hot path never builds a label or looks one up:
/// counters are swift-prometheus `Counter`s (a relaxed atomic add, no lock), labelled counters are
/// arrays indexed by an enum's raw value. Histograms take a short uncontended lock per observation;
/// record them per batch or per window, not per record. No metric has a per-series label.
///
/// One instance per process, shared by reference between the ingest loop, the trainer and the
/// HTTP listener.
public final class DaemonMetrics: ScoringObserver {
    /// The namespace of every metric name: each one starts `anomalyd_`.
    public static let namespace = "anomalyd"

    /// The registry holding every metric below; render it with ``emit(into:)``.
    public let registry: PrometheusCollectorRegistry

    /// `records_received_total`: record lines taken from messages, before any rejection.
    public let recordsReceived: Counter
    /// `records_rejected_total{reason}`, indexed by ``Records/RejectReason/rawValue``.
    public let recordsRejected: [Counter]
    /// `records_accepted_total`: records taken into a series' window. Every received record is
    /// accepted or rejected under one reason: received = accepted + Σ rejected, exactly.
    public let recordsAccepted: Counter
    /// `messages_received_total`: ZeroMQ messages received.
    public let messagesReceived: Counter
    /// `bytes_received_total`: payload bytes of those messages.
    public let bytesReceived: Counter
    /// `windows_scored_total`: windows scored by a model.
    public let windowsScored: Counter
    /// `alerts_published_total{state}`, indexed by ``AlertState/rawValue``.
    public let alertsPublished: [Counter]
    /// `series_active`: series currently holding a window.
    public let seriesActive: Gauge
    /// `models_trained_total{result}`, indexed by ``TrainingResult/rawValue``.
    public let modelsTrained: [Counter]
    /// `model_training_seconds`: wall time of one training run, whatever its result.
    public let modelTrainingSeconds: DurationHistogram
    /// `scoring_seconds`: the VAE scoring of one batch of windows (up to 256), timed on the thread
    /// that ran it — the work loop or the scoring thread; ``windowsScored`` counts the windows.
    public let scoringSeconds: DurationHistogram
    /// `record_to_alert_seconds`: from receipt of the record that completed a window to the
    /// alert it caused being handed to the publishing socket.
    public let recordToAlertSeconds: DurationHistogram
    /// `input_messages_dropped_total`: messages dropped whole because the input queue
    /// (`input.queue_bytes`) was full; their records are in `records_rejected_total{reason="dropped_queue_full"}`.
    public let inputMessagesDropped: Counter
    /// `series_expired_total`: series forgotten after `limits.series_idle` without a record.
    public let seriesExpired: Counter
    /// `input_queue_bytes`: bytes of messages received and waiting to be parsed.
    public let inputQueueBytes: Gauge
    /// `alert_send_failures_total`: alert and model-event messages the PUB socket refused outright.
    public let alertSendFailures: Counter
    /// `alerts_missed_total`: alert messages that at least one subscriber did not get, because its
    /// queue was at `output.send_hwm` (a stalled or slow consumer); the others got them.
    public let alertsMissed: Counter
    /// `curve_allowed_total`: ZAP requests admitted (key in `authorized_keys_dir`).
    public let curveAllowed: Counter
    /// `curve_denied_total`: ZAP requests refused (docs/DESIGN.md §9: "refused and counted").
    public let curveDenied: Counter

    /// `first_model_seconds`: wall time from the daemon's start to its first model, trained or
    /// loaded from the state directory; −1 until then. Until it, every series is judged by the
    /// cold-start check alone.
    public let firstModelSeconds: Gauge

    // State on disk (docs/OPERATIONS.md, "Crash safety of state").
    /// `checkpoint_failures_total`: model or episode files a checkpoint could not write (a full
    /// disk, an I/O error); the previous file stays as it was and the daemon goes on serving.
    public let checkpointFailures: Counter
    /// `model_files_written_total`: model files written by checkpoints and at shutdown.
    public let modelFilesWritten: Counter
    /// `model_files_damaged_total`: saved model files found damaged at start (truncated, a
    /// checksum mismatch, malformed) and moved aside; their groups retrain.
    public let modelFilesDamaged: Counter

    private let readyGauge: Gauge
    private let readyFlag = ManagedAtomic(false)
    private let hasFirstModel = ManagedAtomic(false)
    private let started = ContinuousClock.now

    /// Histogram buckets, in seconds.
    static let trainingBuckets: [Duration] = seconds([0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800])
    static let scoringBuckets: [Duration] = seconds([
        0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.1,
    ])
    static let latencyBuckets: [Duration] = seconds([
        0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ])

    /// Creates every metric in a new registry, with `build_info{version}` set to 1 and `ready` to 0.
    public init(version: String = BuildInfo.version) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        /// `anomalyd_<name>_<unit>`; swift-prometheus joins the non-empty parts with `_`.
        func named(_ name: String, unit: String = "", help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: Self.namespace, metricName: name, unitName: unit, helpText: help)
        }

        recordsReceived = registry.makeCounter(
            descriptor: named("records_received", unit: "total", help: "Record lines received, before validation."))
        let rejected = named("records_rejected", unit: "total", help: "Record lines rejected or dropped, by reason.")
        recordsRejected = RejectReason.allCases.map { reason in
            registry.makeCounter(descriptor: rejected, labels: [("reason", reason.label)])
        }
        recordsAccepted = registry.makeCounter(
            descriptor: named("records_accepted", unit: "total", help: "Records taken into a series window."))
        messagesReceived = registry.makeCounter(
            descriptor: named("messages_received", unit: "total", help: "ZeroMQ messages received."))
        bytesReceived = registry.makeCounter(
            descriptor: named("bytes_received", unit: "total", help: "Payload bytes received."))
        windowsScored = registry.makeCounter(
            descriptor: named("windows_scored", unit: "total", help: "Windows scored by a model."))
        let published = named("alerts_published", unit: "total", help: "Alert messages published, by state.")
        alertsPublished = AlertState.allCases.map { state in
            registry.makeCounter(descriptor: published, labels: [("state", state.label)])
        }
        seriesActive = registry.makeGauge(descriptor: named("series_active", help: "Series currently tracked."))
        let trained = named("models_trained", unit: "total", help: "Model training runs, by result.")
        modelsTrained = TrainingResult.allCases.map { result in
            registry.makeCounter(descriptor: trained, labels: [("result", result.label)])
        }
        modelTrainingSeconds = registry.makeDurationHistogram(
            descriptor: named("model_training", unit: "seconds", help: "Wall time of one model training run."),
            buckets: Self.trainingBuckets)
        scoringSeconds = registry.makeDurationHistogram(
            descriptor: named("scoring", unit: "seconds", help: "VAE scoring time of one batch of windows."),
            buckets: Self.scoringBuckets)
        recordToAlertSeconds = registry.makeDurationHistogram(
            descriptor: named(
                "record_to_alert", unit: "seconds",
                help: "Latency from receipt of the record that completed a window to its alert being published."),
            buckets: Self.latencyBuckets)
        inputMessagesDropped = registry.makeCounter(
            descriptor: named(
                "input_messages_dropped", unit: "total",
                help: "Messages dropped whole because the input queue (input.queue_bytes) was full."))
        seriesExpired = registry.makeCounter(
            descriptor: named(
                "series_expired", unit: "total", help: "Series forgotten after limits.series_idle without a record."))
        inputQueueBytes = registry.makeGauge(
            descriptor: named("input_queue", unit: "bytes", help: "Bytes of received messages waiting to be parsed."))
        alertSendFailures = registry.makeCounter(
            descriptor: named(
                "alert_send_failures", unit: "total", help: "Alert and model-event messages the PUB socket refused."))
        alertsMissed = registry.makeCounter(
            descriptor: named(
                "alerts_missed", unit: "total",
                help: "Alert messages at least one subscriber missed because its queue was full (output.send_hwm)."))
        curveAllowed = registry.makeCounter(
            descriptor: named("curve_allowed", unit: "total", help: "CURVE clients admitted by the ZAP handler."))
        curveDenied = registry.makeCounter(
            descriptor: named("curve_denied", unit: "total", help: "CURVE clients refused by the ZAP handler."))
        firstModelSeconds = registry.makeGauge(
            descriptor: named(
                "first_model", unit: "seconds",
                help: "Seconds from start to the first model trained or loaded; -1 until there is one."))
        firstModelSeconds.set(to: -1)
        checkpointFailures = registry.makeCounter(
            descriptor: named(
                "checkpoint_failures", unit: "total",
                help: "Model or episode files a checkpoint could not write; the previous file is kept."))
        modelFilesWritten = registry.makeCounter(
            descriptor: named("model_files_written", unit: "total", help: "Model files written by checkpoints."))
        modelFilesDamaged = registry.makeCounter(
            descriptor: named(
                "model_files_damaged", unit: "total",
                help: "Saved model files found damaged at start and moved aside; their groups retrain."))
        readyGauge = registry.makeGauge(
            descriptor: named("ready", help: "1 once sockets are bound and saved models loaded, else 0."))
        readyGauge.set(to: 0)
        registry.makeGauge(
            descriptor: named("build", unit: "info", help: "Always 1; the build's version is the label."),
            labels: [("version", version)]
        ).set(to: 1)
    }

    /// Counts `count` rejected record lines for `reason`: one array subscript and one atomic add.
    @inlinable
    public func recordRejected(_ reason: RejectReason, count: Int64 = 1) {
        recordsRejected[reason.rawValue].increment(by: count)
    }

    /// Counts one message of `bytes` payload bytes holding `records` record lines, of which
    /// `accepted` were taken (the rest are counted by ``recordRejected(_:count:)``).
    @inlinable
    public func messageReceived(bytes: Int, records: Int, accepted: Int = 0) {
        messagesReceived.increment()
        bytesReceived.increment(by: Int64(bytes))
        recordsReceived.increment(by: Int64(records))
        if accepted > 0 { recordsAccepted.increment(by: Int64(accepted)) }
    }

    /// Counts one published alert message.
    @inlinable
    public func alertPublished(_ state: AlertState) {
        alertsPublished[state.rawValue].increment()
    }

    /// Counts one finished training run and records how long it took.
    public func modelTrained(_ result: TrainingResult, duration: Duration) {
        modelsTrained[result.rawValue].increment()
        modelTrainingSeconds.record(duration)
    }

    /// Notes that a model was installed (trained or loaded): the first sets `first_model_seconds`.
    public func modelInstalled() {
        guard hasFirstModel.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        let elapsed = ContinuousClock.now - started
        firstModelSeconds.set(to: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    /// Records one batch's VAE scoring in `scoring_seconds` (the ``Detector/ScoringObserver`` the
    /// work loop gives its detector): a histogram observation, from whichever thread scored it.
    public func scored(batchOf windows: Int, in duration: Duration) {
        scoringSeconds.record(duration)
    }

    /// Whether the daemon is ready (docs/DESIGN.md §9: sockets bound, saved models loaded); `/readyz` reads it.
    public var isReady: Bool { readyFlag.load(ordering: .relaxed) }

    /// Sets readiness and the `ready` gauge together.
    public func setReady(_ ready: Bool) {
        readyFlag.store(ready, ordering: .relaxed)
        readyGauge.set(to: ready ? 1 : 0)
    }

    /// Appends the Prometheus text exposition (format 0.0.4) of every metric to `buffer`.
    public func emit(into buffer: inout [UInt8]) {
        registry.emit(into: &buffer)
    }

    private static func seconds(_ values: [Double]) -> [Duration] {
        values.map { Duration.nanoseconds(Int64(($0 * 1e9).rounded())) }
    }
}
