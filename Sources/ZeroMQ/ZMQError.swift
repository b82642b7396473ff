import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed libzmq call: the operation that failed, its `errno`, and libzmq's text for it.
///
/// Timeouts and empty non-blocking queues surface as `EAGAIN` (``isWouldBlock``); a context that
/// was shut down surfaces as `ETERM` (``isContextTerminated``), which is the signal for a socket's
/// owning thread to close the socket and return.
public struct ZMQError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The libzmq call and its main argument, e.g. `zmq_bind(tcp://127.0.0.1:5556)`.
    public let operation: String
    /// The `errno` value libzmq reported (a POSIX code, or a libzmq one such as `ETERM`).
    public let code: Int32
    /// `zmq_strerror(code)`, e.g. "Address already in use".
    public let message: String

    /// Creates an error for `operation` with an explicit `errno` value.
    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
        self.message = String(cString: zmq_strerror(code))
    }

    /// The error libzmq recorded for the calling thread's last failed call.
    static func last(_ operation: @autoclosure () -> String) -> ZMQError {
        ZMQError(operation: operation(), code: zmq_errno())
    }

    /// `true` for `EAGAIN`: a receive or send timeout expired, or a `dontWait` call found nothing to do.
    public var isWouldBlock: Bool { code == EAGAIN }

    /// `true` for `EINTR`: a signal interrupted a blocking call.
    public var isInterrupted: Bool { code == EINTR }

    /// `true` for `ETERM`: the socket's context was shut down; close the socket.
    public var isContextTerminated: Bool { code == ZMQError.contextTerminatedCode }

    /// libzmq's `ETERM` (`ZMQ_HAUSNUMERO + 53`).
    static let contextTerminatedCode: Int32 = ETERM

    public var description: String { "\(operation) failed: \(message) (errno \(code))" }
}

/// Throws the thread's last libzmq error when `result` is negative, as libzmq calls report failure.
@inline(__always)
func check(_ result: Int32, _ operation: @autoclosure () -> String) throws {
    if result < 0 { throw ZMQError.last(operation()) }
}
