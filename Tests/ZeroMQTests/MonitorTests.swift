import Testing
import ZeroMQ

/// Socket monitors report the connection life cycle on both ends.
@Suite struct MonitorTests {
    @Test func reportsListeningAcceptedConnectedHandshakeAndDisconnect() throws {
        let context = try Context()
        let server = try context.testSocket(.pull)
        let client = try context.testSocket(.push)
        let serverMonitor = try server.monitor()
        let clientMonitor = try client.monitor(events: [.connected, .handshakeSucceeded])

        let endpoint = try server.bindLoopback()
        let listening = try serverMonitor.waitForEvent([.listening], timeout: Patience.receive)
        #expect(listening?.endpoint == endpoint)

        try client.connect(endpoint)
        let connected = try clientMonitor.waitForEvent([.connected], timeout: Patience.receive)
        #expect(connected?.endpoint == endpoint)
        #expect(try clientMonitor.waitForEvent([.handshakeSucceeded], timeout: Patience.receive) != nil)

        #expect(try serverMonitor.waitForEvent([.accepted], timeout: Patience.receive) != nil)
        #expect(try serverMonitor.waitForEvent([.handshakeSucceeded], timeout: Patience.receive) != nil)

        client.close()
        #expect(try serverMonitor.waitForEvent([.disconnected], timeout: Patience.receive) != nil)
    }

    @Test func stoppedMonitorSaysSo() throws {
        let context = try Context()
        let socket = try context.testSocket(.pub)
        let monitor = try socket.monitor(events: .all)
        try socket.stopMonitoring()
        #expect(try monitor.waitForEvent([.monitorStopped], timeout: Patience.receive) != nil)
    }

    @Test func decodesTheWireFormat() throws {
        var header: [UInt8] = []
        withUnsafeBytes(of: UInt16(0x4000)) { header += $0 }
        withUnsafeBytes(of: UInt32(400)) { header += $0 }
        let endpoint = bytes("tcp://127.0.0.1:5556")
        let event = header.withUnsafeBytes { header in
            endpoint.withUnsafeBytes { MonitorEvent(header: header, endpoint: $0) }
        }
        let expected = MonitorEvent(kind: .handshakeFailedAuth, value: 400, endpoint: "tcp://127.0.0.1:5556")
        #expect(event == expected)
        #expect(MonitorEvent.Kind(code: 0x0800) == .handshakeFailedNoDetail)
        #expect(MonitorEvent.Kind(code: 0x2000) == .handshakeFailedProtocol)
        #expect(MonitorEvent.Kind(code: 0x8000) == .unknown(0x8000))
        let short = [UInt8](repeating: 0, count: 5)
        #expect(short.withUnsafeBytes { MonitorEvent(header: $0, endpoint: $0) } == nil)
    }
}
