/// A profile's result over a corpus: the optimised threshold and the normalised score.
public struct NABResult: Equatable, Sendable {
    /// The profile.
    public var profile: NABProfile
    /// The score at the best threshold.
    public var best: NABThresholdScore
    /// `100 × (raw − null) / (perfect − null)`: 0 for the detector that never fires, 100 for
    /// the perfect one.
    public var normalizedScore: Double
}
