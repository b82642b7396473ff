import Detector
import ZeroMQ

/// Publishes what the detector produces on the output PUB socket (docs/DESIGN.md §4): alerts as
/// `[<prefix><group>.<series>, JSON]`, model events as `[model.<group>, JSON]`.
///
/// A ``DetectorSink`` called on the work loop's thread; it owns the PUB socket. Sends never
/// block: when a subscriber's queue is full (`send_hwm`), libzmq drops the message for that
/// subscriber, which is PUB's contract; a send that fails outright is counted and logged.
final class AlertPublisher: DetectorSink {
    private let socket: Socket
    private let topicPrefix: [UInt8]
    private let metrics: DaemonMetrics
    private var encoder = AlertJSONEncoder()
    private var topic: [UInt8] = []
    /// When the records of the current receive burst arrived, for `record_to_alert_seconds`.
    var burstStarted = ContinuousClock.now
    /// Sends that failed (other than a full queue).
    private(set) var failedSends = 0

    init(socket: Socket, topicPrefix: String, metrics: DaemonMetrics) {
        self.socket = socket
        self.topicPrefix = Array(topicPrefix.utf8)
        self.metrics = metrics
        topic.reserveCapacity(512)
    }

    func detector(_ detector: StreamingDetector, scored result: WindowResult) {
        metrics.windowsScored.increment()
    }

    func detector(_ detector: StreamingDetector, alert: AlertMessage) {
        encoder.encode(alert)
        topic.removeAll(keepingCapacity: true)
        topic += topicPrefix
        topic += alert.group.utf8
        topic.append(UInt8(ascii: "."))
        topic += alert.series.utf8
        send(topic, encoder.bytes)
        let state: DaemonMetrics.AlertState =
            switch alert.event.state {
            case .open: .open
            case .ongoing: .ongoing
            case .resolved: .resolved
            }
        metrics.alertPublished(state)
        metrics.recordToAlertSeconds.record(ContinuousClock.now - burstStarted)
    }

    func detector(_ detector: StreamingDetector, model event: ModelEvent) {
        if event.action != .rejected { metrics.modelInstalled() }
        // The work loop logs the events it causes; nothing is kept here (it would grow forever).
        send(Array("model.\(event.group)".utf8), Array(event.json.utf8))
    }

    private func send(_ topic: [UInt8], _ payload: [UInt8]) {
        do {
            _ = try socket.send([topic, payload], flags: .dontWait)
        } catch {
            failedSends += 1
        }
    }
}
