import Foundation
import Records
import Synchronization
import ZeroMQ

/// Drains the input SUB socket on a thread of its own into the daemon's bounded input queue, an
/// `inproc` PAIR pipe that the work loop reads, and counts what does not fit.
///
/// Why a thread: libzmq bounds its queues in messages, not bytes (`receive_hwm`), and once one is
/// full it stops reading the connection, so the producer's PUB drops what follows — records lost
/// where the daemon cannot count them (issue 16: 16.5M of 57M under a 2× overload). This thread
/// does nothing but move messages on (`zmq_msg_send` of the received frames: no copy), so
/// libzmq's queues stay near empty and the queue that fills under overload is this one, bounded
/// in bytes by ``capacity``. A message that would exceed it is dropped whole, here, and its
/// records are counted as received and as `dropped_queue_full`: received = accepted + rejected,
/// exactly, per reason.
///
/// The queued bytes are one atomic counter: this thread adds a message's ``cost(of:)`` before
/// sending it on, the work loop subtracts it once the message is handled (``release(_:)``). No
/// lock on either side.
final class InputReceiver: @unchecked Sendable {
    /// The queue's bound: bytes of queued messages, counted as ``cost(of:)``.
    let capacity: Int
    /// Bytes queued and not yet released by the work loop.
    private let queuedBytes = Atomic<Int>(0)
    private let isStopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// How often the thread looks at ``isStopping`` while no message arrives.
    static let stopCheckInterval = Duration.milliseconds(100)
    /// What a queued message costs beyond its bytes: libzmq's `zmq_msg_t` and its content
    /// header, per frame, so that a flood of empty messages is bounded too.
    static let frameOverhead = 64

    /// Starts the thread, which from then on alone uses `subscriber`, and connects it to the
    /// `inproc` endpoint the work loop's PAIR socket has bound.
    /// - Parameter counter: counts the records of a dropped message as the work loop's parser would.
    init(
        context: Context, subscriber: Socket, boundEndpoints: [String], queueEndpoint: String, capacity: Int,
        counter: RecordParser, metrics: DaemonMetrics
    ) throws {
        self.capacity = capacity
        try subscriber.set(.receiveTimeout, to: Self.stopCheckInterval)
        let forward = try context.socket(.pair)
        do {
            // Unbounded in messages: the bound is ``capacity`` in bytes, checked before each send.
            try forward.set(.sendHighWaterMark, to: 0)
            try forward.connect(queueEndpoint)
        } catch {
            forward.close()
            throw error
        }
        let handover = Handover(
            subscriber: subscriber, endpoints: boundEndpoints, forward: forward, counter: counter, metrics: metrics)
        let thread = Thread { [self] in run(handover) }
        thread.name = "anomalyd-input"
        thread.start()
    }

    /// What `message` costs in the queue: its bytes plus ``frameOverhead`` per frame.
    static func cost(of message: MessageBuffer) -> Int {
        message.byteCount + frameOverhead * max(message.frameCount, 1)
    }

    /// The work loop has handled a message of `cost` bytes: room for the next.
    func release(_ cost: Int) {
        queuedBytes.subtract(cost, ordering: .releasing)
    }

    /// Bytes queued now.
    var queued: Int { queuedBytes.load(ordering: .relaxed) }

    /// Stops the thread after it has moved on what libzmq already holds (or dropped it, counted,
    /// where the queue is full) and closed the subscriber; returns when it is done, so the work
    /// loop can then drain the queue to the end and lose nothing that reached the daemon.
    func stop() {
        guard !isStopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        finished.wait()
    }

    private func run(_ handover: Handover) {
        let subscriber = handover.subscriber, forward = handover.forward
        let counter = handover.counter, metrics = handover.metrics
        defer {
            // Unbound first, so the addresses are free as soon as libzmq can release them (a
            // reload binds them again at once).
            for endpoint in handover.endpoints { try? subscriber.unbind(endpoint) }
            subscriber.close()
            forward.close(linger: .zero)
            finished.signal()
        }
        let message = MessageBuffer()
        while true {
            let stopping = isStopping.load(ordering: .acquiring)
            do {
                if stopping {
                    guard try subscriber.tryReceive(into: message) else { return }
                } else {
                    try subscriber.receive(into: message)
                }
            } catch let error as ZMQError where error.isWouldBlock || error.isInterrupted {
                continue
            } catch {
                return  // the context is shutting down, or the socket is gone
            }
            let cost = Self.cost(of: message)
            let before = queuedBytes.add(cost, ordering: .acquiringAndReleasing).oldValue
            if before + cost <= capacity, (try? forward.send(moving: message)) == true {
                continue
            }
            queuedBytes.subtract(cost, ordering: .releasing)
            // Counted as the work loop counts a message it parses: every record line, once
            // received and once rejected, so the books balance.
            let payloads = message.frameCount > 1 ? 1..<message.frameCount : 0..<message.frameCount
            var bytes = 0, records = 0
            for index in payloads {
                bytes += message[index].count
                records += counter.recordCount(in: message[index])
            }
            metrics.messageReceived(bytes: bytes, records: records)
            metrics.recordRejected(.droppedQueueFull, count: Int64(records))
            metrics.inputMessagesDropped.increment()
        }
    }
}

/// Carries the thread's sockets and helpers to it; from then on only it uses them.
private struct Handover: @unchecked Sendable {
    let subscriber: Socket
    let endpoints: [String]
    let forward: Socket
    let counter: RecordParser
    let metrics: DaemonMetrics
}
