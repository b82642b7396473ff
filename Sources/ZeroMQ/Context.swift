import CZeroMQ
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A libzmq context: the I/O threads and the `inproc://` namespace that sockets share.
///
/// libzmq contexts are thread-safe, so a `Context` is `Sendable`: create one per process (or per
/// test) and hand it to every thread that makes sockets. Every ``Socket`` keeps its context alive,
/// so the context is terminated (`zmq_ctx_term`) deterministically when the last reference to it
/// — the context itself or any of its sockets — goes away. To stop threads blocked in a receive,
/// call ``shutdown()``: their calls fail with ``ZMQError/isContextTerminated`` and they close their
/// sockets, after which the context can terminate.
public final class Context: Sendable {
    /// The `void *` from `zmq_ctx_new`; valid until `deinit`.
    nonisolated(unsafe) let handle: UnsafeMutableRawPointer
    private let isShutDown = Atomic<Bool>(false)

    /// Creates a context with `ioThreads` background I/O threads (libzmq's default is 1).
    public init(ioThreads: Int = 1) throws {
        guard let handle = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        self.handle = handle
        if ioThreads != 1 {
            let result = zmq_ctx_set(handle, ZMQ_IO_THREADS, Int32(clamping: ioThreads))
            if result < 0 {
                let error = ZMQError.last("zmq_ctx_set(ZMQ_IO_THREADS)")
                zmq_ctx_term(handle)
                throw error
            }
        }
    }

    /// Makes every blocking call on this context's sockets fail with `ETERM`, and every later
    /// socket creation fail too. Idempotent and safe from any thread; does not wait.
    ///
    /// Use it to stop socket-owning threads; each must then close its socket.
    public func shutdown() {
        if isShutDown.exchange(true, ordering: .acquiringAndReleasing) { return }
        zmq_ctx_shutdown(handle)
    }

    /// `true` once ``shutdown()`` was called.
    public var isShuttingDown: Bool { isShutDown.load(ordering: .acquiring) }

    /// Creates a socket of `type` on this context; see ``Socket/init(context:type:)``.
    public func socket(_ type: SocketType) throws -> Socket {
        try Socket(context: self, type: type)
    }

    deinit {
        // No socket can be open here: each one holds a strong reference to its context.
        // Retry on EINTR as libzmq documents.
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }
}
