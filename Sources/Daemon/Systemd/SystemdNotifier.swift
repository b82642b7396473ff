#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Talks to systemd's service manager with the `sd_notify` datagram protocol (sd_notify(3)):
/// `READY=1`, `STATUS=…`, `WATCHDOG=1`, `RELOADING=1`, `STOPPING=1`.
///
/// Written against the documented protocol rather than linking libsystemd: one `sendto` of a
/// datagram to the `AF_UNIX` socket named by `$NOTIFY_SOCKET` (a path, or `@name` in the abstract
/// namespace). Without `$NOTIFY_SOCKET` (not under systemd, or `Type=simple`) every call is a no-op.
public struct SystemdNotifier: Sendable {
    /// The socket address, or nil when not running under a notify-type unit.
    public let socketPath: String?
    /// Interval at which `WATCHDOG=1` must be sent (half of `$WATCHDOG_USEC`), or nil if the
    /// watchdog is off for this process.
    public let watchdogInterval: Duration?

    /// Reads `$NOTIFY_SOCKET`, `$WATCHDOG_USEC` and `$WATCHDOG_PID` from the environment.
    public init(environment: [String: String]) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        // WATCHDOG_PID, when set, names the process the watchdog is meant for (sd_watchdog_enabled(3)).
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        if forUs, let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 {
            watchdogInterval = .microseconds(Int64(usec / 2))
        } else {
            watchdogInterval = nil
        }
    }

    /// Sends `state` (newline-separated `KEY=value` assignments). Returns false when the datagram
    /// could not be sent; the daemon keeps running either way (systemd may simply not listen).
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let socketPath else { return true }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count)

        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let payload = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                payload.withUnsafeBytes { bytes in
                    sendto(fd, bytes.baseAddress, bytes.count, 0, socketAddress, length)
                }
            }
        }
        return sent == payload.count
    }

    /// `READY=1` plus a status line.
    public func ready(status: String) { notify("READY=1\nSTATUS=\(status)") }
    /// A one-line `STATUS=` shown by `systemctl status`.
    public func status(_ text: String) { notify("STATUS=\(text)") }
    /// `WATCHDOG=1`: sent from the loop that does the work, so a stuck loop stops the pings.
    public func watchdog() { notify("WATCHDOG=1") }
    /// `RELOADING=1` with the monotonic timestamp systemd ≥ 253 expects for `Type=notify-reload`.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let usec = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        notify("RELOADING=1\nMONOTONIC_USEC=\(usec)")
    }
    /// `STOPPING=1`.
    public func stopping() { notify("STOPPING=1") }
}
