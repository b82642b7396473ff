import Daemon
import Foundation
import Logging
import ServiceLifecycle
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A plain HTTP/1.1 client over a blocking TCP socket: one request, `Connection: close`, read to EOF.
/// Each request runs on a thread of its own: blocking a Swift-concurrency thread could starve the
/// server under test, whose handlers run on that same small pool.
private struct RawHTTPClient: Sendable {
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    let port: Int

    func get(_ path: String) async throws -> Reply {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try blockingGet(path) }) }.start()
        }
    }

    private func blockingGet(_ path: String) throws -> Reply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { throw POSIXError(.EPIPE) }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n == 0 { break }
            guard n > 0 else { throw POSIXError(.ETIMEDOUT) }
            received += chunk[..<n]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw POSIXError(.EBADMSG) }
        let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        // Responses here are small and not chunked unless streaming; undo chunking if present.
        var body = String(text[split.upperBound...])
        if headers["transfer-encoding"] == "chunked" { body = Self.dechunk(body) }
        return Reply(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ text: String) -> String {
        var rest = Substring(text)
        var out = ""
        while let lineEnd = rest.range(of: "\r\n"), let size = Int(rest[..<lineEnd.lowerBound], radix: 16), size > 0 {
            let start = lineEnd.upperBound
            let end = rest.utf8.index(start, offsetBy: size)
            out += rest[start..<end]
            rest = rest[end...].dropFirst(2)
        }
        return out
    }
}

/// Runs `server` in a `ServiceGroup`, hands its bound port to `body`, then shuts the group down.
private func withRunningServer(
    _ server: MetricsServer, _ body: (RawHTTPClient) async throws -> Void
) async throws {
    let group = ServiceGroup(services: [server], logger: Logger(label: "test"))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let port = try await server.localPort()
            try await body(RawHTTPClient(port: port))
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

private let quiet = Logger(label: "metrics-server-test", factory: { _ in SwiftLogNoOpLogHandler() })

@Suite struct MetricsServerTests {
    @Test func servesMetricsHealthAndReadinessOnLoopbackPortZero() async throws {
        let metrics = DaemonMetrics()
        let heartbeat = Heartbeat()
        let server = MetricsServer(
            address: ListenAddress(host: "127.0.0.1", port: 0), metrics: metrics, heartbeat: heartbeat, logger: quiet)
        try await withRunningServer(server) { client in
            #expect(try await server.localPort() > 0)
            metrics.messageReceived(bytes: 10, records: 4)

            let scrape = try await client.get("/metrics")
            #expect(scrape.status == 200)
            #expect(scrape.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(scrape.body.contains("\nanomalyd_records_received_total 4\n"))
            #expect(scrape.body.contains(#"anomalyd_build_info{version="\#(BuildInfo.version)"} 1"#))

            // A fresh beat, as the work loop gives: the test pool may have kept this test waiting
            // longer than the 30 s staleness limit on a loaded machine.
            heartbeat.beat()
            let health = try await client.get("/healthz")
            #expect(health.status == 200)
            #expect(health.body == "ok\n")

            let notReady = try await client.get("/readyz")
            #expect(notReady.status == 503)
            metrics.setReady(true)
            let ready = try await client.get("/readyz")
            #expect(ready.status == 200)
            #expect(ready.body == "ready\n")
        }
    }

    @Test func healthFailsWhileTheWorkLoopIsStuck() async throws {
        // The loop last beat 10 s ago; the listener allows 5 s.
        let heartbeat = Heartbeat(now: .now - .seconds(10))
        let server = MetricsServer(
            address: ListenAddress(host: "127.0.0.1", port: 0), metrics: DaemonMetrics(), heartbeat: heartbeat,
            staleAfter: .seconds(5), logger: quiet)
        try await withRunningServer(server) { client in
            let stale = try await client.get("/healthz")
            #expect(stale.status == 503)
            #expect(stale.body.hasPrefix("stale"))
            heartbeat.beat()
            let fresh = try await client.get("/healthz")
            #expect(fresh.status == 200)
        }
    }

    @Test func unknownPathsAreNotFound() async throws {
        let server = MetricsServer(
            address: ListenAddress(host: "127.0.0.1", port: 0), metrics: DaemonMetrics(), heartbeat: Heartbeat(),
            logger: quiet)
        try await withRunningServer(server) { client in
            for path in ["/", "/metrics/extra", "/nope"] {
                let reply = try await client.get(path)
                #expect(reply.status == 404, "\(path)")
            }
        }
    }

    @Test func anAddressInUseFailsTheService() async throws {
        let first = MetricsServer(
            address: ListenAddress(host: "127.0.0.1", port: 0), metrics: DaemonMetrics(), heartbeat: Heartbeat(),
            logger: quiet)
        try await withRunningServer(first) { _ in
            let port = try await first.localPort()
            let second = MetricsServer(
                address: ListenAddress(host: "127.0.0.1", port: port), metrics: DaemonMetrics(),
                heartbeat: Heartbeat(), logger: quiet)
            await #expect(throws: (any Error).self) { try await second.run() }
            await #expect(throws: (any Error).self) { try await second.localPort() }
        }
    }

    @Test func emptyListenDisablesTheListener() throws {
        var settings = MetricsSettings()
        settings.listen = ""
        let server = try MetricsServer(settings: settings, metrics: DaemonMetrics(), heartbeat: Heartbeat(), logger: quiet)
        #expect(server == nil)
        settings.listen = "127.0.0.1:9464"
        let configured = try MetricsServer(
            settings: settings, metrics: DaemonMetrics(), heartbeat: Heartbeat(), logger: quiet)
        #expect(configured?.address == ListenAddress(host: "127.0.0.1", port: 9464))
    }

    @Test func parsesListenAddresses() throws {
        #expect(try ListenAddress(parsing: "") == nil)
        #expect(try ListenAddress(parsing: "127.0.0.1:9464") == ListenAddress(host: "127.0.0.1", port: 9464))
        #expect(try ListenAddress(parsing: "localhost:0") == ListenAddress(host: "localhost", port: 0))
        #expect(try ListenAddress(parsing: "[::1]:9464") == ListenAddress(host: "::1", port: 9464))
        #expect(ListenAddress(host: "::1", port: 80).description == "[::1]:80")
        for bad in ["9464", ":9464", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "::1:80", "[::1]9464", "h:８０"] {
            #expect(throws: ListenAddressError.self, "\(bad)") { try ListenAddress(parsing: bad) }
        }
        let error = ListenAddressError(key: "metrics.listen", value: "nope")
        #expect(error.description.hasPrefix("metrics.listen: \"nope\""))
    }
}
