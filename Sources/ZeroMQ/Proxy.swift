import CZeroMQ

/// The zguide's proxy (`zmq_proxy_steerable`): shuttles messages between a frontend and a backend
/// socket on the calling thread — XSUB/XPUB for pub-sub fan-in and fan-out across hosts
/// (`anomalyd proxy`), ROUTER/DEALER for request queues.
public enum Proxy {
    /// The command that stops a proxy when sent to its control socket.
    public static let terminateCommand = "TERMINATE"

    /// Runs the proxy until the context is shut down or `control` receives
    /// ``terminateCommand`` (`PAUSE` and `RESUME` are understood too).
    ///
    /// The sockets must belong to the calling thread; they stay open afterwards.
    /// - Parameters:
    ///   - capture: if given, receives a copy of every message (e.g. a PUB for a tap).
    ///   - control: if given, a socket (PAIR, SUB or REP) that steers the proxy.
    /// - Throws: ``ZMQError`` for failures other than shutdown.
    public static func run(
        frontend: Socket, backend: Socket, capture: Socket? = nil, control: Socket? = nil
    ) throws {
        let frontendHandle = try frontend.openHandle("zmq_proxy(frontend)")
        let backendHandle = try backend.openHandle("zmq_proxy(backend)")
        let captureHandle = try capture?.openHandle("zmq_proxy(capture)")
        let controlHandle = try control?.openHandle("zmq_proxy(control)")
        let result = zmq_proxy_steerable(frontendHandle, backendHandle, captureHandle, controlHandle)
        if result < 0 {
            let error = ZMQError.last("zmq_proxy")
            if !error.isContextTerminated { throw error }
        }
    }
}
