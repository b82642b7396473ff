import CZeroMQ
import Synchronization

/// A ZAP handler (RFC 27) that admits only CURVE clients whose public key is authorized.
///
/// It binds a REP socket to `inproc://zeromq.zap.01` on the given context — so it serves every
/// CURVE server socket of that context — and answers libzmq's authentication requests on its own
/// thread: `200` for a CURVE client whose key is in the authorized set, `400` for everything
/// else. Bind it before the CURVE server sockets accept connections: libzmq admits clients
/// unchecked when no handler is bound.
///
/// The set can be replaced at any time from any thread (e.g. on SIGHUP), and the allowed and
/// denied counts can be read for metrics. Peers refused before ZAP is asked — a plaintext client
/// meeting a CURVE server fails with a mechanism mismatch — never reach the handler and are not
/// counted here; a socket monitor reports those as ``MonitorEvent/Kind/handshakeFailedProtocol``.
///
/// ``stop()`` (or deinit) stops the thread and closes its socket before returning.
public final class ZAPAuthenticator: Sendable {
    /// The endpoint libzmq sends ZAP requests to.
    public static let endpoint = "inproc://zeromq.zap.01"

    /// State shared with the handler thread.
    private let state: ZAPState
    private let thread: Mutex<JoinableThread?>

    /// Binds the handler on `context` and starts its thread.
    /// - Parameter authorizedKeys: Z85 public keys (40 characters each) of admitted clients.
    /// - Throws: ``ZMQError``, e.g. `EADDRINUSE` if the context already has a ZAP handler.
    public init(context: Context, authorizedKeys: Set<String>) throws {
        let state = ZAPState(authorizedKeys: authorizedKeys)
        let socket = try Socket(context: context, type: .rep)
        try socket.bind(ZAPAuthenticator.endpoint)
        let handover = Handover(socket: socket)
        self.state = state
        self.thread = Mutex(try JoinableThread { state.serve(handover.socket) })
    }

    deinit { stop() }

    /// The Z85 public keys currently admitted.
    public var authorizedKeys: Set<String> {
        state.authorizedKeys.withLock { $0 }
    }

    /// Replaces the admitted keys; requests answered after this returns use the new set.
    public func replaceAuthorizedKeys(with keys: Set<String>) {
        state.authorizedKeys.withLock { $0 = keys }
    }

    /// Requests answered `200`.
    public var allowedCount: Int { state.allowed.load(ordering: .relaxed) }

    /// Requests answered with a refusal (`400`, or `500` for a malformed request).
    public var deniedCount: Int { state.denied.load(ordering: .relaxed) }

    /// Stops the handler thread and closes its socket; returns once both are done. Idempotent.
    /// While stopped, libzmq refuses CURVE clients of this context (no handler answers).
    public func stop() {
        state.isStopping.store(true, ordering: .releasing)
        thread.withLock { thread in
            thread?.join()
            thread = nil
        }
    }
}

/// Carries the handler's socket to its thread, which alone uses it from then on.
private struct Handover: @unchecked Sendable {
    let socket: Socket
}

/// What the authenticator shares with its thread, and the thread's request loop.
private final class ZAPState: Sendable {
    let authorizedKeys: Mutex<Set<String>>
    let allowed = Atomic<Int>(0)
    let denied = Atomic<Int>(0)
    let isStopping = Atomic<Bool>(false)

    /// How often the loop checks ``isStopping`` while idle.
    static let stopCheckInterval: Duration = .milliseconds(50)

    init(authorizedKeys: Set<String>) {
        self.authorizedKeys = Mutex(authorizedKeys)
    }

    /// Answers requests until stopped or the context shuts down, then closes `socket`.
    func serve(_ socket: Socket) {
        defer { socket.close() }
        let request = MessageBuffer(maxFrames: 16)
        let poller = Poller()
        poller.register(socket)
        while !isStopping.load(ordering: .acquiring) {
            do {
                guard try poller.poll(timeout: ZAPState.stopCheckInterval) > 0,
                    try socket.tryReceive(into: request)
                else { continue }
                try answer(request, on: socket)
            } catch let error as ZMQError where error.isContextTerminated || !socket.isOpen {
                return
            } catch {
                continue  // EINTR, or one failed reply; keep serving.
            }
        }
    }

    /// Replies to one request: `[version, request id, domain, address, identity, mechanism,
    /// credentials…]` → `[version, request id, status, text, user id, metadata]`.
    private func answer(_ request: MessageBuffer, on socket: Socket) throws {
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        let requestID = request.count > 1 ? request[1] : empty
        let (status, text, userID) = decide(request)
        try socket.send("1.0", flags: .sendMore)
        try socket.send(requestID, flags: .sendMore)
        try socket.send(status, flags: .sendMore)
        try socket.send(text, flags: .sendMore)
        try socket.send(userID, flags: .sendMore)
        try socket.send(empty)
    }

    private func decide(_ request: MessageBuffer) -> (status: String, text: String, userID: String) {
        guard request.count >= 6, !request.isTruncated, request.string(at: 0) == "1.0" else {
            denied.wrappingAdd(1, ordering: .relaxed)
            return ("500", "Malformed ZAP request", "")
        }
        guard request.string(at: 5) == "CURVE", request.count == 7, request[6].count == 32,
            let key = try? Z85.encode(request[6])
        else {
            denied.wrappingAdd(1, ordering: .relaxed)
            return ("400", "CURVE required", "")
        }
        guard authorizedKeys.withLock({ $0.contains(key) }) else {
            denied.wrappingAdd(1, ordering: .relaxed)
            return ("400", "Unknown client key", "")
        }
        allowed.wrappingAdd(1, ordering: .relaxed)
        return ("200", "OK", key)
    }
}
