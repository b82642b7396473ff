import Foundation
import Synchronization
import Logging
import ZeroMQ

/// The daemon's two ZeroMQ sockets, opened from `[input]`, `[output]` and `[security]`:
/// a SUB that producers publish to and a PUB that alerts leave by, both CURVE servers behind a
/// ZAP allowlist when `security.curve` is on (docs/DESIGN.md §9).
///
/// The SUB is drained by an ``InputReceiver`` on its own thread into a queue bounded in bytes
/// (`input.queue_bytes`), whose reading end is ``input``. The rest is owned by the work loop's
/// thread: sockets are not thread-safe.
final class SocketSet {
    /// The reading end of the bounded input queue: what the work loop polls and receives from.
    let input: Socket
    /// Moves messages from the SUB into ``input``'s queue and counts what does not fit.
    let receiver: InputReceiver
    let output: Socket
    /// The ZAP handler, when CURVE is on; it admits only the authorised client keys.
    let authenticator: ZAPAuthenticator?
    /// The endpoints actually bound (a `*` port resolved), for logs and tests.
    let inputEndpoints: [String]
    let outputEndpoints: [String]

    /// The hard cap libzmq enforces, as a multiple of `max_message_bytes`: messages between the
    /// two are received and counted as `too_large` by the loop; beyond it libzmq drops the
    /// connection before the message is ever held in memory.
    static let hardLimitFactor = 16

    /// Opens and binds both sockets. With `retryingBusyAddresses` (a reload, right after the running
    /// sockets were closed) a bind retries an address in use for up to ``bindRetryLimit``; at
    /// start-up an address in use fails at once.
    init(
        context: Context, configuration: Configuration, metrics: DaemonMetrics, retryingBusyAddresses: Bool = false
    ) throws {
        let retry = retryingBusyAddresses ? Self.bindRetryLimit : .zero
        let curve = configuration.security.curve ? try CurveKeys(settings: configuration.security) : nil
        // The ZAP handler must be bound before a CURVE socket accepts connections: with no handler,
        // libzmq would admit every client. Its inproc endpoint, too, is released asynchronously
        // when a reload has just stopped the previous handler.
        authenticator = try curve.map { keys in
            try Self.retryingAddressInUse(for: retry) {
                try ZAPAuthenticator(context: context, authorizedKeys: keys.authorizedKeys)
            }
        }

        let subscriber = try context.socket(.sub)
        let input = try context.socket(.pair)
        let output = try context.socket(.pub)
        do {
            for socket in [subscriber, output] {
                if let curve {
                    try socket.set(.zapDomain, to: "anomalyd")
                    try socket.set(.curveServer, to: true)
                    try socket.set(.curveSecretKey, to: curve.secretKey)
                }
            }
            let settings = configuration.input
            try subscriber.set(.receiveHighWaterMark, to: settings.receiveHWM)
            try subscriber.set(.maxMessageSize, to: settings.maxMessageBytes * Self.hardLimitFactor)
            for prefix in settings.subscribe { try subscriber.subscribe(prefix) }
            var bound: [String] = []
            for endpoint in settings.bind {
                try Self.retryingAddressInUse(for: retry) { try subscriber.bind(endpoint) }
                bound.append(try subscriber.lastEndpoint)
            }
            for endpoint in settings.connect { try subscriber.connect(endpoint) }
            inputEndpoints = bound

            try output.set(.sendHighWaterMark, to: configuration.output.sendHWM)
            // Alerts already queued get a moment to leave at shutdown.
            try output.set(.linger, to: .seconds(1))
            bound = []
            for endpoint in configuration.output.bind {
                try Self.retryingAddressInUse(for: retry) { try output.bind(endpoint) }
                bound.append(try output.lastEndpoint)
            }
            // Alerts a subscriber cannot take (its queue at `send_hwm`) are counted, not silently
            // lost: the publisher then sends them on to the others (``AlertPublisher``).
            try output.set(.xpubNoDrop, to: true)
            outputEndpoints = bound

            // The queue: unbounded in messages, because the receiver bounds it in bytes.
            let queueEndpoint = "inproc://anomalyd-input-\(Self.queueSerial.add(1, ordering: .relaxed).newValue)"
            try input.set(.receiveHighWaterMark, to: 0)
            try input.bind(queueEndpoint)
            receiver = try InputReceiver(
                context: context, subscriber: subscriber, boundEndpoints: inputEndpoints, queueEndpoint: queueEndpoint,
                capacity: settings.queueBytes, counter: WorkLoop.parser(for: configuration), metrics: metrics)
        } catch {
            subscriber.close()
            input.close()
            output.close()
            authenticator?.stop()
            throw error
        }
        self.input = input
        self.output = output
    }

    /// Numbers the queue's `inproc` endpoints: a reload opens a new set before the old endpoint
    /// is surely released.
    private static let queueSerial = Atomic<Int>(0)

    /// How long a bind retries an address still held by a socket just closed.
    static let bindRetryLimit = Duration.seconds(3)

    /// Runs `bind` (a bind), retrying while the address is in use for up to `limit`:
    /// libzmq closes a socket's listeners asynchronously, on its I/O thread, so a reload that
    /// closes the running sockets and binds the same endpoints again can find them still taken
    /// for a moment. An address held by another process stays taken and fails after the limit.
    static func retryingAddressInUse<T>(for limit: Duration, _ bind: () throws -> T) throws -> T {
        let deadline = ContinuousClock.now + limit
        while true {
            do {
                return try bind()
            } catch let error as ZMQError where error.code == EADDRINUSE && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
    }

    /// Unbinds every bound endpoint (so the addresses are released as soon as libzmq can), closes
    /// the sockets and stops the receiver and the ZAP handler. Drain ``input`` after
    /// ``InputReceiver/stop()`` and before this, or what is queued is lost.
    func close() {
        receiver.stop()  // closes the SUB, which releases its endpoints
        for endpoint in outputEndpoints { try? output.unbind(endpoint) }
        input.close(linger: .zero)
        output.close()
        authenticator?.stop()
    }
}
