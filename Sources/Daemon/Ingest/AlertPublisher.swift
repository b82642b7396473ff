import Detector
import ZeroMQ

/// Publishes what the detector produces on the output PUB socket (docs/DESIGN.md §4): alerts as
/// `[<prefix><group>.<series>, JSON]`, model events as `[model.<group>, JSON]`.
///
/// A ``DetectorSink`` called on the work loop's thread; it owns the PUB socket. Sends never
/// block. The socket has `ZMQ_XPUB_NODROP`, so when a subscriber's queue is full (`send_hwm`,
/// a stalled or slow consumer) the send fails instead of dropping silently: the message is then
/// counted as missed (`alerts_missed_total`) and sent on without the option, which delivers it to
/// every subscriber that has room — one stalled consumer costs the others nothing. A send that
/// fails outright is counted (`alert_send_failures_total`).
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
        send(topic, encoder.bytes, isAlert: true)
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
        send(Array("model.\(event.group)".utf8), Array(event.json.utf8), isAlert: false)
    }

    private func send(_ topic: [UInt8], _ payload: [UInt8], isAlert: Bool) {
        do {
            if try socket.send([topic, payload], flags: .dontWait) { return }
            // A matching subscriber's queue is full: count it, then deliver to those with room.
            // Toggling the option costs two setsockopt calls, only on this rare path.
            if isAlert { metrics.alertsMissed.increment() }
            try socket.set(.xpubNoDrop, to: false)
            defer { try? socket.set(.xpubNoDrop, to: true) }
            _ = try socket.send([topic, payload], flags: .dontWait)
        } catch {
            failedSends += 1
            metrics.alertSendFailures.increment()
        }
    }
}
