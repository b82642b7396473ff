import Foundation
import Testing

/// systemd's notify protocol (docs/DESIGN.md §9), against a test AF_UNIX datagram socket standing in for
/// the service manager: READY=1 after the sockets are bound, WATCHDOG=1 from the work loop,
/// RELOADING=1/READY=1 around SIGHUP, STOPPING=1 on SIGTERM — and no pings once the loop hangs.
@Suite struct RunNotifyTests {
    /// The listener's datagrams, oldest first.
    static func datagrams(_ listener: PythonPeer) -> [String] {
        listener.objects.compactMap { $0["state"] as? String }.filter { $0 != "LISTENING=1" }
    }

    static func startListener(_ directory: TemporaryDirectory) async throws -> (PythonPeer, String) {
        let socketPath = directory.path("notify.sock")
        let listener = try PythonPeer(
            [PythonPeer.script("notify_listener.py"), socketPath], directory: directory, name: "notify")
        #expect(await waitUntil(timeout: .seconds(20)) { listener.output.contains("LISTENING=1") }, "\(listener.errors)")
        return (listener, socketPath)
    }

    @Test func readyWatchdogReloadingAndStoppingReachTheNotifySocket() async throws {
        let directory = try TemporaryDirectory()
        let (listener, socketPath) = try await Self.startListener(directory)
        let config = DaemonConfig(stateDirectory: directory.path("state"))
        try config.write(to: directory.path("anomalyd.toml"))
        let daemon = try RunningDaemon(
            configPath: directory.path("anomalyd.toml"), directory: directory,
            environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "300000"])

        #expect(await waitUntil(timeout: .seconds(30)) { Self.datagrams(listener).contains { $0.hasPrefix("READY=1") } })
        // At READY=1 the sockets are bound: the log says so, and both ports accept connections.
        #expect(daemon.log.contains("listening"), "READY=1 before the sockets were bound")
        #expect(tcpConnects(endpoint: config.input) && tcpConnects(endpoint: config.output))
        let ready = Self.datagrams(listener).first { $0.hasPrefix("READY=1") } ?? ""
        #expect(ready.contains("\nSTATUS=0 series, 0 records/s, models ready 0/1"), "\(ready)")

        // WATCHDOG=1 at half of WATCHDOG_USEC (150 ms): several within a few seconds.
        #expect(await waitUntil(timeout: .seconds(20)) { Self.datagrams(listener).filter { $0 == "WATCHDOG=1" }.count >= 5 })

        let before = Self.datagrams(listener).count
        daemon.send(SIGHUP)
        #expect(await waitUntil(timeout: .seconds(20)) {
            Self.datagrams(listener).dropFirst(before).contains { $0.hasPrefix("READY=1") }
        })
        let reload = Self.datagrams(listener).dropFirst(before).filter { $0 != "WATCHDOG=1" }
        #expect(reload.first?.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") == true, "\(reload)")
        #expect(reload.dropFirst().first?.hasPrefix("READY=1\nSTATUS=") == true, "\(reload)")

        #expect(await daemon.stop() == 0, "\(daemon.log)")
        let last = Self.datagrams(listener).filter { $0 != "WATCHDOG=1" }
        #expect(last.contains("STOPPING=1"), "\(last)")
        listener.kill()
    }

    #if DEBUG
    /// Needs the fault hook `ANOMALYD_FAULT_HANG_WORK_LOOP_AFTER`, compiled into debug builds only
    /// (the tests' configuration matches the binary's).
    @Test func watchdogPingsStopWhenTheWorkLoopHangs() async throws {
        let directory = try TemporaryDirectory()
        let (listener, socketPath) = try await Self.startListener(directory)
        let config = DaemonConfig(stateDirectory: directory.path("state"))
        try config.write(to: directory.path("anomalyd.toml"))
        let daemon = try RunningDaemon(
            configPath: directory.path("anomalyd.toml"), directory: directory,
            environment: [
                "NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "200000", "ANOMALYD_FAULT_HANG_WORK_LOOP_AFTER": "1.5",
            ])
        func pings() -> Int { Self.datagrams(listener).filter { $0 == "WATCHDOG=1" }.count }
        #expect(await waitUntil(timeout: .seconds(20)) { pings() >= 3 }, "no WATCHDOG=1 before the hang")
        #expect(await daemon.waitForLog("fault injection"), "the debug build must honour the fault hook: \(daemon.log)")
        try await Task.sleep(for: .seconds(0.5))
        let atHang = pings()
        try await Task.sleep(for: .seconds(2))
        #expect(pings() == atHang, "WATCHDOG=1 kept coming from a hung work loop")
        #expect(daemon.process.isRunning, "the process must stay alive for systemd's watchdog to act")
        listener.kill()
    }
    #endif
}

/// Whether a TCP connection to `tcp://host:port` succeeds.
func tcpConnects(endpoint: String) -> Bool {
    guard let colon = endpoint.lastIndex(of: ":"), let port = UInt16(endpoint[endpoint.index(after: colon)...]) else {
        return false
    }
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = port.bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}
