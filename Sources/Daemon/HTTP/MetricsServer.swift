import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The operator's HTTP listener (docs/DESIGN.md §8, §9), a `Service` with one job:
///
/// | path | answer |
/// |---|---|
/// | `GET /metrics` | 200, Prometheus text format 0.0.4 of ``DaemonMetrics`` |
/// | `GET /healthz` | 200 `ok` while the work loop's ``Heartbeat`` is fresh, else 503 |
/// | `GET /readyz` | 200 `ready` once ``DaemonMetrics/isReady``, else 503 |
/// | anything else | 404 |
///
/// It runs on one event-loop thread of its own (the daemon owns its threads, docs/DESIGN.md §9), binds when
/// ``run()`` starts and closes on graceful shutdown.
public struct MetricsServer: Service {
    /// The configured address (port 0 = any free port; see ``localPort()``).
    public let address: ListenAddress
    private let metrics: DaemonMetrics
    private let heartbeat: Heartbeat
    private let staleAfter: Duration
    private let logger: Logger
    private let boundPort = BoundPort()

    /// The Prometheus text exposition format's content type.
    public static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A listener on `address`.
    /// - Parameters:
    ///   - heartbeat: Beaten by the work loop; `/healthz` fails once it is older than `staleAfter`.
    ///   - staleAfter: How old a heartbeat may be; the default matches the unit's `WatchdogSec=30`.
    public init(
        address: ListenAddress, metrics: DaemonMetrics, heartbeat: Heartbeat,
        staleAfter: Duration = .seconds(30), logger: Logger
    ) {
        self.address = address
        self.metrics = metrics
        self.heartbeat = heartbeat
        self.staleAfter = staleAfter
        self.logger = logger
    }

    /// A listener on `settings.listen`, or nil when it is empty (listener disabled).
    /// - Throws: ``ListenAddressError`` if `listen` is not `host:port`.
    public init?(
        settings: MetricsSettings, metrics: DaemonMetrics, heartbeat: Heartbeat,
        staleAfter: Duration = .seconds(30), logger: Logger
    ) throws {
        guard let address = try ListenAddress(parsing: settings.listen) else { return nil }
        self.init(address: address, metrics: metrics, heartbeat: heartbeat, staleAfter: staleAfter, logger: logger)
    }

    /// The port actually bound, once listening. Throws if ``run()`` ended before it could bind.
    public func localPort() async throws -> Int {
        try await boundPort.value()
    }

    /// Binds, serves until graceful shutdown or cancellation, then closes the socket.
    public func run() async throws {
        let boundPort = boundPort
        let application = Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port
                await boundPort.resolve(port.map { .success($0) } ?? .failure(MetricsServerError.notListening))
            },
            // NIO's process-wide group: nothing to shut down here, so no task can be scheduled on a
            // loop that a shutdown already closed.
            eventLoopGroupProvider: .singleton,
            logger: logger)
        do {
            try await application.run()
        } catch {
            await boundPort.resolve(.failure(error))
            throw error
        }
        await boundPort.resolve(.failure(MetricsServerError.notListening))
    }

    private func makeRouter() -> Router<BasicRequestContext> {
        let metrics = metrics
        let heartbeat = heartbeat
        let staleAfter = staleAfter
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(16_384)
            metrics.emit(into: &bytes)
            return Self.response(.ok, contentType: Self.metricsContentType, body: bytes)
        }
        router.get("healthz") { _, _ -> Response in
            let age = heartbeat.age()
            if age <= staleAfter { return Self.text(.ok, "ok\n") }
            return Self.text(.serviceUnavailable, "stale: work loop last seen \(age) ago\n")
        }
        router.get("readyz") { _, _ -> Response in
            metrics.isReady ? Self.text(.ok, "ready\n") : Self.text(.serviceUnavailable, "not ready\n")
        }
        return router
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        response(status, contentType: "text/plain; charset=utf-8", body: Array(body.utf8))
    }

    private static func response(_ status: HTTPResponse.Status, contentType: String, body: [UInt8]) -> Response {
        Response(
            status: status,
            headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
