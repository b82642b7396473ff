import ArgumentParser
import Daemon
import Foundation
import Logging
import ServiceLifecycle
import VAE
import ZeroMQ

/// `anomalyd run`: the daemon (docs/DESIGN.md §1, §5, §9).
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon: receive records over ZeroMQ, score windows, publish alerts.",
        discussion: """
            Without --config every key takes its default: records in on tcp://127.0.0.1:5556, alerts \
            out on tcp://127.0.0.1:5557, metrics on http://127.0.0.1:9464/metrics. SIGHUP re-reads the \
            configuration file (an invalid file is rejected whole); SIGTERM checkpoints and exits 0.
            """)

    @Option(name: .long, help: "Configuration file (TOML).")
    var config: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        LoggingSystem.bootstrap { JournalLogHandler(label: $0, environment: environment) }
        let logger = Logger(label: "anomalyd")
        // The daemon owns its threads (one scores, one trains): BLAS must not add its own, even
        // when OPENBLAS_NUM_THREADS is unset (outside the shipped unit).
        VAEModule.pinThreads()

        let configuration: Configuration
        do {
            configuration = try config.map { try Configuration.load(contentsOf: $0) } ?? Configuration.builtInDefaults()
        } catch let error as ConfigurationError {
            printError(error.description)
            throw ExitCode.failure
        }

        let state = StateDirectory(settings: configuration.state, environment: environment)
        do {
            try state.prepare()
        } catch {
            printError("anomalyd: state directory \(state.path): \(error.localizedDescription)")
            throw ExitCode.failure
        }

        let notifier = SystemdNotifier(environment: environment)
        let metrics = DaemonMetrics()
        let heartbeat = Heartbeat(notifier: notifier)
        let control = WorkLoopControl()
        let context = try Context()
        let ingest = IngestService(
            setup: .init(
                configuration: configuration, context: context, metrics: metrics, heartbeat: heartbeat,
                notifier: notifier, control: control, store: ModelStore(directory: state), logger: logger))

        var services: [any Service] = []
        let metricsServer: MetricsServer?
        do {
            metricsServer = try MetricsServer(
                settings: configuration.metrics, metrics: metrics, heartbeat: heartbeat,
                logger: Logger(label: "metrics"))
        } catch {
            printError("anomalyd: metrics.listen: \(error)")
            throw ExitCode.failure
        }
        if let metricsServer { services.append(metricsServer) }
        services.append(ingest)

        let path = config
        let group = await DaemonServiceGroup(services: services, notifier: notifier, logger: logger) {
            // SIGHUP: re-read and validate the whole file before the loop applies anything.
            guard let path else { return "no configuration file to reload" }
            let reloaded = try Configuration.load(contentsOf: path)
            return try await control.apply(reloaded)
        }
        if let metricsServer {
            Task {
                if let port = try? await metricsServer.localPort() {
                    logger.info("metrics listening", metadata: ["address": "\(metricsServer.address.host):\(port)"])
                }
            }
        }
        do {
            try await group.run()
        } catch {
            logger.critical("stopped on error", metadata: ["error": "\(error)"])
            context.shutdown()
            throw ExitCode.failure
        }
        context.shutdown()
    }
}
