import CZeroMQ

/// The socket events a monitor can report (`ZMQ_EVENT_*`), as a mask for
/// ``Socket/monitor(events:)``.
public struct MonitorEvents: OptionSet, Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let connected = MonitorEvents(rawValue: ZMQ_EVENT_CONNECTED)
    public static let connectDelayed = MonitorEvents(rawValue: ZMQ_EVENT_CONNECT_DELAYED)
    public static let connectRetried = MonitorEvents(rawValue: ZMQ_EVENT_CONNECT_RETRIED)
    public static let listening = MonitorEvents(rawValue: ZMQ_EVENT_LISTENING)
    public static let bindFailed = MonitorEvents(rawValue: ZMQ_EVENT_BIND_FAILED)
    public static let accepted = MonitorEvents(rawValue: ZMQ_EVENT_ACCEPTED)
    public static let acceptFailed = MonitorEvents(rawValue: ZMQ_EVENT_ACCEPT_FAILED)
    public static let closed = MonitorEvents(rawValue: ZMQ_EVENT_CLOSED)
    public static let closeFailed = MonitorEvents(rawValue: ZMQ_EVENT_CLOSE_FAILED)
    public static let disconnected = MonitorEvents(rawValue: ZMQ_EVENT_DISCONNECTED)
    public static let monitorStopped = MonitorEvents(rawValue: ZMQ_EVENT_MONITOR_STOPPED)
    public static let handshakeFailedNoDetail = MonitorEvents(
        rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
    public static let handshakeSucceeded = MonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
    public static let handshakeFailedProtocol = MonitorEvents(
        rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
    public static let handshakeFailedAuth = MonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
    /// Every event.
    public static let all = MonitorEvents(rawValue: ZMQ_EVENT_ALL)
    /// The three ways a handshake can fail.
    public static let handshakeFailed: MonitorEvents = [
        .handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth,
    ]
}

/// One event from a socket monitor: what happened, its value, and the endpoint it concerns.
///
/// On the wire (libzmq's version 1 monitor format) an event is two frames: 6 bytes holding a
/// native-endian `UInt16` event code and `UInt32` value, then the endpoint as text.
public struct MonitorEvent: Sendable, Equatable, CustomStringConvertible {
    /// What happened.
    public enum Kind: Sendable, Hashable {
        case connected, connectDelayed, connectRetried, listening, bindFailed
        case accepted, acceptFailed, closed, closeFailed, disconnected, monitorStopped
        /// A handshake failed for a system reason; the value is an errno.
        case handshakeFailedNoDetail
        /// The ZMTP handshake, and authentication if enabled, succeeded.
        case handshakeSucceeded
        /// The peer broke the protocol, e.g. a mechanism mismatch (plaintext client to a CURVE
        /// server); the value is a `ZMQ_PROTOCOL_ERROR_*` code.
        case handshakeFailedProtocol
        /// Authentication was refused; the value is the ZAP status code (300, 400 or 500).
        case handshakeFailedAuth
        /// An event this module does not know; the associated value is its code.
        case unknown(UInt16)

        /// Decodes a `ZMQ_EVENT_*` code.
        public init(code: UInt16) {
            switch Int32(code) {
            case ZMQ_EVENT_CONNECTED: self = .connected
            case ZMQ_EVENT_CONNECT_DELAYED: self = .connectDelayed
            case ZMQ_EVENT_CONNECT_RETRIED: self = .connectRetried
            case ZMQ_EVENT_LISTENING: self = .listening
            case ZMQ_EVENT_BIND_FAILED: self = .bindFailed
            case ZMQ_EVENT_ACCEPTED: self = .accepted
            case ZMQ_EVENT_ACCEPT_FAILED: self = .acceptFailed
            case ZMQ_EVENT_CLOSED: self = .closed
            case ZMQ_EVENT_CLOSE_FAILED: self = .closeFailed
            case ZMQ_EVENT_DISCONNECTED: self = .disconnected
            case ZMQ_EVENT_MONITOR_STOPPED: self = .monitorStopped
            case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: self = .handshakeFailedNoDetail
            case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: self = .handshakeSucceeded
            case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: self = .handshakeFailedProtocol
            case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: self = .handshakeFailedAuth
            default: self = .unknown(code)
            }
        }
    }

    /// What happened.
    public let kind: Kind
    /// The event's value: a file descriptor, errno, retry interval, protocol error or ZAP status.
    public let value: UInt32
    /// The endpoint concerned, e.g. `tcp://127.0.0.1:41873`.
    public let endpoint: String

    /// Creates an event from its parts.
    public init(kind: Kind, value: UInt32, endpoint: String) {
        self.kind = kind
        self.value = value
        self.endpoint = endpoint
    }

    /// Decodes the two frames of a monitor message; `nil` if they are malformed.
    public init?(header: UnsafeRawBufferPointer, endpoint: UnsafeRawBufferPointer) {
        guard header.count == 6 else { return nil }
        let code = header.loadUnaligned(fromByteOffset: 0, as: UInt16.self)
        self.kind = Kind(code: code)
        self.value = header.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
        self.endpoint = String(decoding: endpoint, as: UTF8.self)
    }

    public var description: String { "\(kind)(\(value)) \(endpoint)" }
}
