import Logging
import ServiceLifecycle
import UnixSignals

/// Turns SIGHUP into a configuration reload, framed for systemd as `RELOADING=1` … `READY=1`
/// (sd_notify(3)), and sends `STOPPING=1` as soon as graceful shutdown begins.
///
/// The reload itself is the daemon's: a closure that re-reads and validates the configuration and
/// applies it whole, returning the new one-line status, or throws to keep the running one (docs/DESIGN.md §5).
/// Either way the service ends the reload with `READY=1`; a rejected file leaves its reason in
/// `STATUS=` and the log. Signals that arrive during a reload are handled one after another.
public struct ReloadSignalService: Service {
    /// Re-reads and applies the configuration; returns the `STATUS=` line, or throws to reject it.
    public typealias Reload = @Sendable () async throws -> String

    private let signals: UnixSignalsSequence
    private let notifier: SystemdNotifier
    private let logger: Logger
    private let reload: Reload

    /// Traps SIGHUP at once (its default action would end the process), so the trap is in place
    /// before the daemon reports `READY=1` and systemd may send one.
    public init(notifier: SystemdNotifier, logger: Logger, reload: @escaping Reload) async {
        signals = await UnixSignalsSequence(trapping: .sighup)
        self.notifier = notifier
        self.logger = logger
        self.reload = reload
    }

    /// Serves reload signals until graceful shutdown begins, then sends `STOPPING=1` and returns.
    public func run() async throws {
        for await _ in signals.cancelOnGracefulShutdown() {
            notifier.reloading()
            logger.info("SIGHUP received; reloading configuration")
            let status: String
            do {
                status = try await reload()
                logger.info("configuration reloaded")
            } catch {
                let reason = Self.oneLine("\(error)")
                logger.error("configuration reload rejected; keeping the running configuration: \(reason)")
                status = "reload rejected, running configuration kept: \(reason)"
            }
            notifier.notify("READY=1\nSTATUS=\(Self.oneLine(status))")
        }
        notifier.stopping()
        logger.info("shutting down")
    }

    /// `STATUS=` is one line: newlines would start new assignments in the datagram.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
