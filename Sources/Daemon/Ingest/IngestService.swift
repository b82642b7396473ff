import Foundation
import Logging
import ServiceLifecycle
import ZeroMQ

/// Runs the ``WorkLoop`` on a thread of its own (ZeroMQ sockets are blocking and not
/// thread-safe, so the loop owns them on one thread), as a swift-service-lifecycle `Service`:
/// graceful shutdown asks the loop to stop, and the service returns once the loop has flushed,
/// checkpointed and closed its sockets.
public struct IngestService: Service {
    /// Everything the loop needs, made before the service starts.
    public struct Setup: Sendable {
        /// The configuration to start with.
        public var configuration: Configuration
        /// The ZeroMQ context (thread-safe).
        public var context: Context
        /// Metrics shared with the HTTP listener.
        public var metrics: DaemonMetrics
        /// The work loop's heartbeat (watchdog).
        public var heartbeat: Heartbeat
        /// sd_notify.
        public var notifier: SystemdNotifier
        /// Stop and reload requests.
        public var control: WorkLoopControl
        /// Model files.
        public var store: ModelStore
        /// Logger.
        public var logger: Logger

        /// Bundles the parts.
        public init(
            configuration: Configuration, context: Context, metrics: DaemonMetrics, heartbeat: Heartbeat,
            notifier: SystemdNotifier, control: WorkLoopControl, store: ModelStore, logger: Logger
        ) {
            self.configuration = configuration
            self.context = context
            self.metrics = metrics
            self.heartbeat = heartbeat
            self.notifier = notifier
            self.control = control
            self.store = store
            self.logger = logger
        }
    }

    private let setup: Setup

    /// A service that will run the loop with `setup`.
    public init(setup: Setup) {
        self.setup = setup
    }

    /// Starts the loop's thread and returns when it ends; throws when start-up failed (a socket
    /// could not be bound, the keys could not be read), which ends the daemon with an error.
    public func run() async throws {
        let setup = self.setup
        try await withGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let thread = Thread {
                    do {
                        let loop = try WorkLoop(setup: setup)
                        loop.run()
                        if let failure = loop.failure {
                            continuation.resume(throwing: failure)
                        } else {
                            continuation.resume()
                        }
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
                thread.name = "anomalyd-work"
                thread.stackSize = 8 << 20
                thread.start()
            }
        } onGracefulShutdown: {
            setup.control.requestStop()
        }
    }
}
