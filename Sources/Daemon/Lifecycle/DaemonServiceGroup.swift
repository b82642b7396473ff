import Logging
import ServiceLifecycle

/// The daemon's one `ServiceGroup`: it runs the daemon's services, owns the process's signals and
/// orders shutdown.
///
/// - SIGTERM and SIGINT start graceful shutdown: `STOPPING=1` goes to systemd first, then every
///   service is asked to finish, in reverse order of `services` (list the metrics server first so
///   it answers scrapes until the end, the ingest service last so it stops taking records first).
///   Services that are still running after `maximumGracefulShutdownDuration` are cancelled.
/// - SIGHUP calls `reload` inside `RELOADING=1` … `READY=1` (see ``ReloadSignalService``).
/// - Any service returning or throwing outside shutdown ends the whole group, so a dead part never
///   leaves a half-working daemon behind; systemd's `Restart=on-failure` brings it back.
public struct DaemonServiceGroup: Sendable {
    private let group: ServiceGroup

    /// Builds the group and traps SIGHUP immediately.
    /// - Parameters:
    ///   - services: The daemon's services, in start order.
    ///   - notifier: Where `RELOADING=1`, `READY=1` and `STOPPING=1` go.
    ///   - maximumGracefulShutdownDuration: Time the services get to finish (checkpoint included)
    ///     before they are cancelled; keep it below the unit's `TimeoutStopSec` (90 s).
    ///   - logger: The group's logger.
    ///   - reload: Re-reads and applies the configuration on SIGHUP.
    public init(
        services: [any Service],
        notifier: SystemdNotifier,
        maximumGracefulShutdownDuration: Duration = .seconds(60),
        logger: Logger,
        reload: @escaping ReloadSignalService.Reload
    ) async {
        let signals = await ReloadSignalService(notifier: notifier, logger: logger, reload: reload)
        var configuration = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
                + [.init(service: signals, serviceName: "signals")],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        configuration.maximumGracefulShutdownDuration = maximumGracefulShutdownDuration
        configuration.maximumCancellationDuration = .seconds(5)
        group = ServiceGroup(configuration: configuration)
    }

    /// Runs every service until shutdown; returns after a graceful shutdown, throws if a service
    /// failed or ended unexpectedly.
    public func run() async throws {
        try await group.run()
    }

    /// Starts graceful shutdown as SIGTERM would.
    public func triggerGracefulShutdown() async {
        await group.triggerGracefulShutdown()
    }
}
