/// The verdict on one scored window, for callers that report every window (`anomalyd detect`'s
/// per-row output, metrics).
public struct WindowResult: Equatable, Sendable {
    /// The group's index in the detector's configuration.
    public var group: Int
    /// The series id (``StreamingDetector/seriesKey(of:)`` names it).
    public var series: Int
    /// The ingest sequence number of the record that completed the window (0-based, counting
    /// every record passed to `ingest`), so an offline caller can map windows back to rows.
    public var sequence: Int
    /// Grid time of the window's newest step.
    public var end: Double
    /// The calibrated combined score, raised to `flat × threshold` on a flat-line of severity
    /// `flat` (``ScoreCalibration/flatSeverity(stepChange:)``). Before the slot has a model: the
    /// ``WarmUpCheck``'s score, or 0 with `warmup_threshold = 0`.
    public var score: Double
    /// The threshold it was compared with (before a model: the warm-up threshold, or +∞ without).
    public var threshold: Double
    /// The score mapped to [0, 1] (``ScoreCalibration/anomalyScore(score:threshold:)``).
    public var anomalyScore: Double
    /// Whether the threshold flagged the window.
    public var isAnomalous: Bool
    /// Whether the series' alert episode is open after this window.
    public var alertOpen: Bool
    /// The version of the model that scored the window (0: none yet).
    public var modelVersion: Int

    /// Creates a result.
    public init(group: Int, series: Int, sequence: Int, end: Double, score: Double, threshold: Double,
                anomalyScore: Double, isAnomalous: Bool, alertOpen: Bool, modelVersion: Int) {
        self.group = group
        self.series = series
        self.sequence = sequence
        self.end = end
        self.score = score
        self.threshold = threshold
        self.anomalyScore = anomalyScore
        self.isAnomalous = isAnomalous
        self.alertOpen = alertOpen
        self.modelVersion = modelVersion
    }
}
