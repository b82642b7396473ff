/// How a window is judged while its model slot has no model yet (`group.scoring.warmup_threshold`):
/// per field, the distance of the newest step from the median of the window's other observed
/// steps, in units of their robust spread (``RobustScaler``'s, so σ for Gaussian data). The
/// window's score is the largest over its fields, and it is anomalous above the threshold.
///
/// A new group is thus watched from its first full window rather than only once `min_windows`
/// windows have trained a model: a spike, a step or a dropout against the recent level alerts at
/// once, and the windows it flags open an episode like any other. It sees one window at a time,
/// so it knows nothing of daily patterns or of what is usual for the series: a high threshold (6σ
/// by default) keeps it to the obvious, and its verdicts do not decide what the first model
/// trains on (every window before it goes to the reservoir).
///
/// The buffers are allocated once (a group lays out its fields once); ``score(values:observed:)``
/// does not allocate.
public struct WarmUpCheck: Sendable {
    /// The score above which a window is anomalous, in robust σ.
    public let threshold: Double
    /// Steps per window.
    public let window: Int
    /// Fields per step.
    public let fields: Int
    /// Per field, after ``score(values:observed:)``: the newest step's signed deviation in robust σ
    /// (0 when the field's newest step is missing or it has too little context).
    public private(set) var deviations: [Double]
    /// Per field, after ``score(values:observed:)``: the median of its context (NaN without one).
    public private(set) var medians: [Double]
    private var context: [Float]  // (window − 1): one field's context, sorted in place

    /// Fewest observed context steps a field needs to be judged.
    public static let minimumContext = 8

    /// A check of windows of `window` steps × `fields` fields against `threshold` (> 0).
    public init(threshold: Double, window: Int, fields: Int) {
        precondition(threshold > 0 && window >= 2 && fields >= 1)
        self.threshold = threshold
        self.window = window
        self.fields = fields
        deviations = [Double](repeating: 0, count: fields)
        medians = [Double](repeating: .nan, count: fields)
        context = [Float](repeating: 0, count: window - 1)
    }

    /// Scores one window: `values` and `observed` are (window × fields), oldest step first, with
    /// 1 for an observed value and 0 for a missing one. Returns the largest |deviation|, 0 when no
    /// field can be judged.
    public mutating func score(values: UnsafePointer<Float>, observed: UnsafePointer<Float>) -> Double {
        let W = window, F = fields, newest = (W - 1) * F
        var largest = 0.0
        context.withUnsafeMutableBufferPointer { buffer in
            for f in 0..<F {
                deviations[f] = 0
                medians[f] = .nan
                var count = 0
                for t in 0..<(W - 1) where observed[t * F + f] > 0 && values[t * F + f].isFinite {
                    buffer[count] = values[t * F + f]
                    count += 1
                }
                guard count >= Self.minimumContext else { continue }
                var sorted = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
                sorted.sort()
                let (median, spread) = RobustScaler.centreAndSpread(ofSorted: UnsafeBufferPointer(sorted))
                medians[f] = Double(median)
                let x = values[newest + f]
                guard observed[newest + f] > 0 && x.isFinite else { continue }
                deviations[f] = Double(x - median) / Double(spread)
                largest = max(largest, abs(deviations[f]))
            }
        }
        return largest
    }
}
