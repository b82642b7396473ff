import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A ZeroMQ socket.
///
/// Sockets are not thread-safe, so `Socket` is deliberately not `Sendable`: one thread (or task)
/// creates it, uses it and closes it; Swift 6's region checking lets it be handed over with
/// `sending`, never shared. The socket keeps its ``Context`` alive and is closed
/// deterministically by ``close(linger:)`` or, failing that, when it is deinitialized.
///
/// New sockets get a linger of zero (as CZMQ does): closing drops unsent messages at once instead
/// of blocking context termination. Set ``SocketOption/linger`` if a sender must flush on close.
public final class Socket {
    /// The context this socket belongs to.
    public let context: Context
    /// The socket's type, fixed at creation.
    public let type: SocketType
    /// The `void *` from `zmq_socket`; `nil` once closed.
    private(set) var handle: UnsafeMutableRawPointer?

    /// Creates a socket of `type` on `context`, with linger set to zero.
    public init(context: Context, type: SocketType) throws {
        guard let handle = zmq_socket(context.handle, type.rawValue) else {
            throw ZMQError.last("zmq_socket(\(type))")
        }
        self.context = context
        self.type = type
        self.handle = handle
        var zero: Int32 = 0
        zmq_setsockopt(handle, ZMQ_LINGER, &zero, MemoryLayout<Int32>.size)
    }

    deinit {
        if let handle { zmq_close(handle) }
    }

    /// Closes the socket now; later calls on it fail with `ENOTSOCK`. Idempotent.
    ///
    /// - Parameter linger: if given, how long libzmq may keep trying to deliver queued outgoing
    ///   messages (this also bounds how long context termination waits for them).
    public func close(linger: Duration? = nil) {
        guard let handle else { return }
        if let linger {
            var milliseconds = linger.zmqMilliseconds
            zmq_setsockopt(handle, ZMQ_LINGER, &milliseconds, MemoryLayout<Int32>.size)
        }
        zmq_close(handle)
        self.handle = nil
    }

    /// `true` until ``close(linger:)``.
    public var isOpen: Bool { handle != nil }

    /// The open handle, or `ENOTSOCK` for a closed socket.
    @inline(__always)
    func openHandle(_ operation: @autoclosure () -> String) throws -> UnsafeMutableRawPointer {
        guard let handle else { throw ZMQError(operation: operation(), code: ENOTSOCK) }
        return handle
    }

    // MARK: - Endpoints

    /// Accepts connections on `endpoint`, e.g. `tcp://127.0.0.1:*` (an ephemeral port; read it
    /// back with ``lastEndpoint``), `ipc:///run/anomalyd/in.sock` or `inproc://name`.
    /// - Throws: ``EndpointError`` for an endpoint without a transport, else ``ZMQError``.
    public func bind(_ endpoint: String) throws {
        if let error = EndpointError(checking: endpoint) { throw error }
        let handle = try openHandle("zmq_bind(\(endpoint))")
        try check(zmq_bind(handle, endpoint), "zmq_bind(\(endpoint))")
    }

    /// Connects to `endpoint`; libzmq connects (and reconnects) in the background.
    /// - Throws: ``EndpointError`` for an endpoint without a transport, else ``ZMQError``.
    public func connect(_ endpoint: String) throws {
        if let error = EndpointError(checking: endpoint) { throw error }
        let handle = try openHandle("zmq_connect(\(endpoint))")
        try check(zmq_connect(handle, endpoint), "zmq_connect(\(endpoint))")
    }

    /// Stops accepting on `endpoint`, which must be the resolved form (see ``lastEndpoint``).
    public func unbind(_ endpoint: String) throws {
        let handle = try openHandle("zmq_unbind(\(endpoint))")
        try check(zmq_unbind(handle, endpoint), "zmq_unbind(\(endpoint))")
    }

    /// Drops the connection made by ``connect(_:)`` to `endpoint`.
    public func disconnect(_ endpoint: String) throws {
        let handle = try openHandle("zmq_disconnect(\(endpoint))")
        try check(zmq_disconnect(handle, endpoint), "zmq_disconnect(\(endpoint))")
    }

    /// The endpoint of the last ``bind(_:)`` or ``connect(_:)`` with wildcards resolved,
    /// e.g. `tcp://127.0.0.1:41873`; empty if there was none.
    public var lastEndpoint: String {
        get throws { try get(.lastEndpoint) }
    }
}

/// Sockets must stay on one thread at a time; see ``Socket``.
@available(*, unavailable)
extension Socket: Sendable {}

extension Duration {
    /// Whole milliseconds clamped to `Int32`, as libzmq's time options take them.
    var zmqMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        if milliseconds.overflow { return seconds < 0 ? Int32.min : Int32.max }
        return Int32(clamping: milliseconds.partialValue + attoseconds / 1_000_000_000_000_000)
    }

    /// A duration from libzmq's milliseconds.
    init(zmqMilliseconds milliseconds: Int32) {
        self = .milliseconds(Int64(milliseconds))
    }
}
