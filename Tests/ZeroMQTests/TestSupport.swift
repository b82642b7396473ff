import Foundation
import Testing
import ZeroMQ

/// Timeouts generous enough for a loaded 2-core machine; tests never assert speed.
enum Patience {
    /// The most any single expected message may take to arrive.
    static let receive: Duration = .seconds(10)
    /// How long to wait before concluding that something did NOT arrive.
    static let silence: Duration = .milliseconds(750)
}

/// The topic of slow-joiner probes; ``receiveSkippingProbes(_:)`` discards them.
let probeTopic = "__probe"

extension Context {
    /// A socket whose blocking calls give up after ``Patience/receive``, so no test hangs.
    func testSocket(_ type: SocketType) throws -> Socket {
        let socket = try socket(type)
        try socket.set(.receiveTimeout, to: Patience.receive)
        try socket.set(.sendTimeout, to: Patience.receive)
        try socket.set(.reconnectInterval, to: .milliseconds(50))
        return socket
    }
}

extension Socket {
    /// Binds an ephemeral loopback TCP port and returns the resolved endpoint.
    func bindLoopback() throws -> String {
        try bind("tcp://127.0.0.1:*")
        return try lastEndpoint
    }
}

/// Waits out the zguide's "slow joiner": publishes probes until `subscriber` (subscribed to
/// ``probeTopic`` or a prefix of it) receives one, proving its subscription reached the publisher.
func awaitSubscription(publisher: Socket, subscriber: Socket) throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: Patience.receive)
    while clock.now < deadline {
        try publisher.send([probeTopic, "probe"])
        let ready = try Poller.poll([subscriber], timeout: .milliseconds(50))
        if ready[0].contains(.readable) {
            _ = try subscriber.receiveMessage()
            return
        }
    }
    Issue.record("subscription did not reach the publisher within \(Patience.receive)")
    throw ZMQError(operation: "awaitSubscription", code: EAGAIN)
}

/// Receives the next message that is not a slow-joiner probe.
func receiveSkippingProbes(_ subscriber: Socket) throws -> [[UInt8]] {
    while true {
        let message = try subscriber.receiveMessage()
        if message.first != Array(probeTopic.utf8) { return message }
    }
}

/// `true` if `socket` receives nothing within ``Patience/silence``.
func staysSilent(_ socket: Socket) throws -> Bool {
    try Poller.poll([socket], timeout: Patience.silence)[0].isEmpty
}

/// A fresh directory for `ipc://` endpoints (kept short: socket paths are limited to ~107 bytes).
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = "/tmp/anomalyd-zmq-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// An `ipc://` endpoint for a socket file named `name` in this directory.
    func ipcEndpoint(_ name: String) -> String { "ipc://\(path)/\(name)" }
}

/// Bytes of a UTF-8 string, for comparing frames.
func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }
