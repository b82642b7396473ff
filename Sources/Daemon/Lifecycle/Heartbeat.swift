import Atomics

/// Proof of life from the loop that does the work: the loop calls ``beat(now:)`` once per turn,
/// `/healthz` reports the process unhealthy once the last beat is older than its limit, and —
/// when systemd runs a watchdog — the beat sends `WATCHDOG=1` at the interval systemd asked for.
///
/// Because the ping rides on the work loop's beat rather than a timer of its own, a stuck loop stops
/// the pings and systemd restarts the daemon (docs/DESIGN.md §9). A beat is two relaxed atomic operations
/// unless a ping is due. The clock starts at creation, which counts as the first beat.
public final class Heartbeat: Sendable {
    private let origin: ContinuousClock.Instant
    /// Nanoseconds since `origin` of the last beat.
    private let lastBeat = ManagedAtomic<Int64>(0)
    /// Nanoseconds since `origin` of the last `WATCHDOG=1`; starts one interval back so the first
    /// beat pings at once.
    private let lastPing: ManagedAtomic<Int64>
    private let notifier: SystemdNotifier?
    private let pingInterval: Int64?

    /// A heartbeat that starts now. With a `notifier` whose `watchdogInterval` is set, beats send
    /// `WATCHDOG=1` at most once per that interval.
    public init(notifier: SystemdNotifier? = nil, now: ContinuousClock.Instant = .now) {
        origin = now
        self.notifier = notifier
        let interval = notifier?.watchdogInterval.map(Self.nanoseconds)
        pingInterval = interval
        lastPing = ManagedAtomic(-(interval ?? 0))
    }

    /// Records that the work loop is alive, and pings systemd's watchdog when a ping is due.
    public func beat(now: ContinuousClock.Instant = .now) {
        let elapsed = Self.nanoseconds(now - origin)
        lastBeat.store(elapsed, ordering: .relaxed)
        guard let pingInterval, let notifier else { return }
        let previous = lastPing.load(ordering: .relaxed)
        // The exchange makes exactly one of several concurrent beaters send the ping.
        if elapsed - previous >= pingInterval,
            lastPing.compareExchange(expected: previous, desired: elapsed, ordering: .relaxed).exchanged
        {
            notifier.watchdog()
        }
    }

    /// Time since the last beat.
    public func age(now: ContinuousClock.Instant = .now) -> Duration {
        (now - origin) - .nanoseconds(lastBeat.load(ordering: .relaxed))
    }

    /// Whether the last beat is at most `limit` old.
    public func isFresh(within limit: Duration, now: ContinuousClock.Instant = .now) -> Bool {
        age(now: now) <= limit
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
