/// The alert state machine of one series (docs/DESIGN.md §4): turns each scored window into at most one
/// message, `open` → `ongoing`… → `resolved`.
///
/// - An episode opens on the `minConsecutive`-th anomalous window in a row, provided one of them
///   is an onset (the judge's ``OnsetGate`` found it new, not the continuation of a recent
///   incident): the continuation of an incident already reported never opens another episode.
/// - While it lasts, an anomalous window repeats it as `ongoing` when at least `repeatEvery`
///   seconds of stream time have passed since the last message (so replays at any speed give
///   the same messages).
/// - It resolves on the `resolveAfter`-th normal window in a row; an anomalous window in between
///   restarts that count, and so does an unusual one (hysteresis: a window in the tail of normal
///   behaviour, though not rare enough to open an episode, holds one open — a sustained anomaly
///   whose windows hover around the threshold stays one episode).
///
/// Time is the stream's (the windows' timestamps), never the wall clock.
public struct AlertTracker: Sendable {
    /// When episodes open, repeat and resolve (`group.alerts`).
    public struct Configuration: Equatable, Sendable {
        /// Anomalous windows in a row that open an episode, at least 1.
        public var minConsecutive: Int
        /// Normal windows in a row that resolve it, at least 1.
        public var resolveAfter: Int
        /// Least stream time in seconds between two messages of one episode; `.infinity` never
        /// repeats, 0 repeats on every anomalous window.
        public var repeatEvery: Double

        /// Creates a configuration. Defaults: open at once, resolve after 5 normal windows,
        /// remind every 5 minutes.
        public init(minConsecutive: Int = 1, resolveAfter: Int = 5, repeatEvery: Double = 300) {
            precondition(minConsecutive >= 1 && resolveAfter >= 1, "counts must be positive")
            precondition(repeatEvery >= 0, "repeatEvery must not be negative")
            self.minConsecutive = minConsecutive
            self.resolveAfter = resolveAfter
            self.repeatEvery = repeatEvery
        }
    }

    /// The configuration.
    public var configuration: Configuration
    /// The series key episode ids are derived from.
    public let seriesKey: String
    /// The open episode, if any.
    public private(set) var episode: AlertEpisode?
    /// Anomalous windows in a row while no episode is open.
    public private(set) var pendingAnomalous = 0
    /// Whether one of those windows was an onset.
    public private(set) var pendingOnset = false

    /// Creates a tracker for one series with no open episode.
    public init(seriesKey: String, configuration: Configuration = Configuration()) {
        self.seriesKey = seriesKey
        self.configuration = configuration
    }

    /// A tracker in the state `snapshot` recorded, under the current `configuration`: an open
    /// episode restored after a restart goes on (`ongoing`, `resolved`) instead of opening anew.
    public init(restoring snapshot: Snapshot, configuration: Configuration) {
        seriesKey = snapshot.seriesKey
        self.configuration = configuration
        episode = snapshot.episode
        pendingAnomalous = max(snapshot.pendingAnomalous, 0)
        pendingOnset = snapshot.pendingOnset
    }

    /// The tracker's state without its configuration, to be saved and restored.
    public var snapshot: Snapshot {
        Snapshot(seriesKey: seriesKey, episode: episode, pendingAnomalous: pendingAnomalous, pendingOnset: pendingOnset)
    }

    /// What ``init(restoring:configuration:)`` restores: the series, its open episode and the
    /// anomalous windows counted towards opening one.
    public struct Snapshot: Codable, Equatable, Sendable {
        /// The series key.
        public var seriesKey: String
        /// The open episode, if any.
        public var episode: AlertEpisode?
        /// Anomalous windows in a row while no episode is open.
        public var pendingAnomalous: Int
        /// Whether one of those windows was an onset.
        public var pendingOnset: Bool

        /// A snapshot of these parts.
        public init(seriesKey: String, episode: AlertEpisode?, pendingAnomalous: Int, pendingOnset: Bool) {
            self.seriesKey = seriesKey
            self.episode = episode
            self.pendingAnomalous = pendingAnomalous
            self.pendingOnset = pendingOnset
        }
    }

    /// Whether an episode is open (the `alert` column of `anomalyd detect`).
    public var isOpen: Bool { episode != nil }

    /// Feeds one judged window.
    /// - Parameters:
    ///   - isAnomalous: the judge's verdict on the window (its tail probability below the
    ///     threshold's).
    ///   - isOnset: whether its published (onset-gated) probability is below it too.
    ///   - isUnusual: whether it lies in the tail of normal behaviour (``Verdict/isUnusual``):
    ///     it holds an open episode open, though it does not open one.
    ///   - score: the window's score, `−log₁₀ p`.
    ///   - threshold: the threshold's, `−log₁₀ q`.
    ///   - anomalyScore: the published anomaly score, `1 − p′`.
    ///   - window: the window's span; `window.end` is its stream time.
    /// - Returns: the message to publish, if this window causes one.
    public mutating func observe(
        isAnomalous: Bool, isOnset: Bool, isUnusual: Bool = false, score: Double, threshold: Double,
        anomalyScore: Double, window: AlertWindow
    ) -> AlertEvent? {
        let time = window.end
        let severity = threshold > 0 ? score / threshold : score
        func event(_ state: AlertEvent.State, _ id: String) -> AlertEvent {
            AlertEvent(
                state: state, episodeID: id, time: time, score: score, threshold: threshold,
                severity: severity, anomalyScore: anomalyScore, window: window)
        }

        guard var current = episode else {
            guard isAnomalous else {
                pendingAnomalous = 0
                pendingOnset = false
                return nil
            }
            pendingAnomalous += 1
            pendingOnset = pendingOnset || isOnset
            guard pendingAnomalous >= configuration.minConsecutive, pendingOnset else { return nil }
            let id = AlertEpisode.makeID(seriesKey: seriesKey, openedAt: time)
            episode = AlertEpisode(
                id: id, openedAt: time, anomalousWindows: pendingAnomalous, peakSeverity: severity,
                lastMessageAt: time, normalStreak: 0)
            pendingAnomalous = 0
            pendingOnset = false
            return event(.open, id)
        }

        if isAnomalous {
            current.anomalousWindows += 1
            current.normalStreak = 0
            current.peakSeverity = max(current.peakSeverity, severity)
            var message: AlertEvent?
            if time - current.lastMessageAt >= configuration.repeatEvery {
                current.lastMessageAt = time
                message = event(.ongoing, current.id)
            }
            episode = current
            return message
        }

        current.normalStreak = isUnusual ? 0 : current.normalStreak + 1
        guard current.normalStreak >= configuration.resolveAfter else {
            episode = current
            return nil
        }
        episode = nil
        return event(.resolved, current.id)
    }
}
