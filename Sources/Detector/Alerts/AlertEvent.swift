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
    /// Score of the window that caused the message.
    public var score: Double
    /// Threshold that window was compared with.
    public var threshold: Double
    /// `score / threshold` (``ScoreCalibration/severity(score:threshold:)``).
    public var severity: Double
    /// The window that caused the message.
    public var window: AlertWindow
}
