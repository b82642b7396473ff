import CZeroMQ

/// What a socket is ready for, as `zmq_poll` reports it.
public struct PollEvents: OptionSet, Sendable, Hashable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    /// `ZMQ_POLLIN`: at least one message can be received without blocking.
    public static let readable = PollEvents(rawValue: Int16(ZMQ_POLLIN))
    /// `ZMQ_POLLOUT`: at least one message can be sent without blocking.
    public static let writable = PollEvents(rawValue: Int16(ZMQ_POLLOUT))
}

/// Waits on several sockets at once (`zmq_poll`), the zguide's way to serve more than one socket
/// from one thread.
///
/// Register sockets once, then call ``poll(timeout:)`` in the loop and read ``events(at:)``;
/// the poll item array is reused, so polling does not allocate. The poller keeps its sockets
/// alive and, like them, belongs to one thread at a time.
public final class Poller {
    private var sockets: [Socket] = []
    private var items: [zmq_pollitem_t] = []

    /// Creates an empty poller.
    public init() {}

    /// Adds `socket`, to be watched for `events`.
    /// - Returns: the socket's index for ``events(at:)``.
    @discardableResult
    public func register(_ socket: Socket, for events: PollEvents = .readable) -> Int {
        sockets.append(socket)
        items.append(zmq_pollitem_t(socket: nil, fd: 0, events: events.rawValue, revents: 0))
        return items.count - 1
    }

    /// The number of registered sockets.
    public var count: Int { items.count }

    /// Waits until at least one registered socket is ready, or `timeout` passes
    /// (`nil`: forever; `.zero`: just check).
    /// - Returns: how many sockets are ready; 0 when the timeout expired.
    /// - Throws: ``ZMQError``, e.g. `EINTR` on a signal or `ETERM` after ``Context/shutdown()``.
    @discardableResult
    public func poll(timeout: Duration?) throws -> Int {
        for index in items.indices {
            items[index].socket = try sockets[index].openHandle("zmq_poll")
            items[index].revents = 0
        }
        let milliseconds = timeout.map { Int($0.zmqMilliseconds) } ?? -1
        let ready = items.withUnsafeMutableBufferPointer {
            zmq_poll($0.baseAddress, Int32($0.count), milliseconds)
        }
        try check(ready, "zmq_poll")
        return Int(ready)
    }

    /// What socket `index` was found ready for by the last ``poll(timeout:)``.
    public func events(at index: Int) -> PollEvents {
        PollEvents(rawValue: items[index].revents)
    }

    /// One-shot poll of `sockets` for `events`.
    /// - Returns: for each socket, in order, what it is ready for (empty sets on timeout).
    public static func poll(
        _ sockets: [Socket], for events: PollEvents = .readable, timeout: Duration?
    ) throws -> [PollEvents] {
        let poller = Poller()
        for socket in sockets { poller.register(socket, for: events) }
        try poller.poll(timeout: timeout)
        return sockets.indices.map(poller.events(at:))
    }
}

/// A poller belongs to one thread at a time, like its sockets.
@available(*, unavailable)
extension Poller: Sendable {}
