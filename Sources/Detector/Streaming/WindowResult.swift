/// The verdict on one scored window, for callers that report every window (`anomalyd detect`'s
/// per-row output, `anomalyd score`, metrics).
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
    /// The judge's score, `−log₁₀ p` of the window's calibrated tail probability `p` (0 for a
    /// window nothing judged: before a model with `cold_start = false`).
    public var score: Double
    /// The threshold's, `−log₁₀ q` (``FalseAlarmRate``); +∞ for a window nothing judged.
    public var threshold: Double
    /// The published anomaly score in [0, 1]: `1 − p′`, `p′` the onset-gated probability (``Judge``).
    public var anomalyScore: Double
    /// Whether the judge found the window anomalous (`p < q`).
    public var isAnomalous: Bool
    /// Whether the series' alert episode is open after this window.
    public var alertOpen: Bool
    /// The version of the model that scored the window (0: none yet).
    public var modelVersion: Int
    /// The model's raw reconstruction NLL of the window (NaN before a model).
    public var reconstructionNLL: Double
    /// The model's raw latent distance of the window (NaN before a model).
    public var latentDistance: Double

    /// Creates a result.
    public init(group: Int, series: Int, sequence: Int, end: Double, score: Double, threshold: Double,
                anomalyScore: Double, isAnomalous: Bool, alertOpen: Bool, modelVersion: Int,
                reconstructionNLL: Double = .nan, latentDistance: Double = .nan) {
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
        self.reconstructionNLL = reconstructionNLL
        self.latentDistance = latentDistance
    }
}
