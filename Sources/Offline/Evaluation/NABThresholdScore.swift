/// The NAB score at one threshold (detections are rows with `anomalyScore >= threshold`).
public struct NABThresholdScore: Equatable, Sendable {
    /// The anomaly-score threshold.
    public var threshold: Double
    /// The raw (unnormalised) score summed over the files.
    public var score: Double
    /// Scored rows detected inside a window.
    public var truePositives: Int
    /// Scored rows neither detected nor in a window.
    public var trueNegatives: Int
    /// Scored rows detected outside every window.
    public var falsePositives: Int
    /// Scored rows in a window and not detected.
    public var falseNegatives: Int
}
