import CZeroMQ
import Synchronization

/// Serial numbers that make each monitor's `inproc://` endpoint unique in the process.
private let monitorSerial = Atomic<Int>(0)

/// The receiving end of a socket monitor (`zmq_socket_monitor`): a PAIR socket connected to the
/// `inproc://` endpoint on which libzmq publishes the monitored socket's events.
///
/// Create one with ``Socket/monitor(events:)`` before binding or connecting, so that no event is
/// missed. Like a socket, a monitor belongs to one thread at a time.
public final class SocketMonitor {
    /// The `inproc://` endpoint libzmq publishes the events on.
    public let endpoint: String
    private let pair: Socket
    private let buffer = MessageBuffer(maxFrames: 2)
    private let poller = Poller()

    init(endpoint: String, context: Context) throws {
        self.endpoint = endpoint
        pair = try Socket(context: context, type: .pair)
        try pair.connect(endpoint)
        poller.register(pair)
    }

    /// The next event, waiting at most `timeout` (`nil`: forever); `nil` if none came in time.
    public func nextEvent(timeout: Duration?) throws -> MonitorEvent? {
        while true {
            guard try poller.poll(timeout: timeout) > 0, try pair.tryReceive(into: buffer) else {
                return nil
            }
            if buffer.count == 2, let event = MonitorEvent(header: buffer[0], endpoint: buffer[1]) {
                return event
            }
            // A malformed message is not an event; keep waiting (rare enough to not re-time).
        }
    }

    /// Skips events until one of `kinds` arrives, or until `timeout` passes in total.
    /// - Returns: the matching event, or `nil` if none came in time.
    public func waitForEvent(
        _ kinds: Set<MonitorEvent.Kind>, timeout: Duration
    ) throws -> MonitorEvent? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero, let event = try nextEvent(timeout: remaining) else { return nil }
            if kinds.contains(event.kind) { return event }
        }
    }

    /// Closes the receiving socket. The monitored socket stops publishing when it is closed,
    /// or earlier with ``Socket/stopMonitoring()``.
    public func close() {
        pair.close()
    }
}

/// A monitor belongs to one thread at a time, like its socket.
@available(*, unavailable)
extension SocketMonitor: Sendable {}

extension Socket {
    /// Starts publishing this socket's `events` and returns the monitor that receives them.
    ///
    /// A socket has at most one monitor; starting another replaces the first.
    public func monitor(events: MonitorEvents = .all) throws -> SocketMonitor {
        let handle = try openHandle("zmq_socket_monitor")
        let serial = monitorSerial.wrappingAdd(1, ordering: .relaxed).newValue
        let endpoint = "inproc://anomalyd.zeromq.monitor.\(serial)"
        try check(zmq_socket_monitor(handle, endpoint, events.rawValue), "zmq_socket_monitor(\(endpoint))")
        return try SocketMonitor(endpoint: endpoint, context: context)
    }

    /// Stops publishing events to this socket's monitor.
    public func stopMonitoring() throws {
        let handle = try openHandle("zmq_socket_monitor")
        try check(zmq_socket_monitor(handle, nil, 0), "zmq_socket_monitor(nil)")
    }
}
