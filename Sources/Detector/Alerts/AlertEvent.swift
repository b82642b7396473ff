/// A message the alert state machine asks to publish.
public struct AlertEvent: Equatable, Sendable {
    /// The episode's state in this message.
    public enum State: String, Sendable {
        /// The first message of an episode.
        case open
        /// A reminder while the episode lasts, at most every `repeatEvery`.
        case ongoing
        /// The episode ended after `resolveAfter` normal windows.
        case resolved
    }

    /// The state.
    public var state: State
    /// The episode id.
    public var episodeID: String
    /// Stream time of the window that caused the message (its newest step).
    public var time: Double
    /// Score of the window that caused the message: `−log₁₀ p`, its tail probability `p` in
    /// decimal digits (a score of 7 is a window that normal data shows once in 10⁷).
    public var score: Double
    /// The threshold it was compared with: `−log₁₀ q`, q from the false-alarm rate.
    public var threshold: Double
    /// `score / threshold`: above 1 is anomalous.
    public var severity: Double
    /// The published anomaly score in [0, 1], `1 − p′`, with `p′` the onset-gated probability.
    public var anomalyScore: Double
    /// The window that caused the message.
    public var window: AlertWindow
}
