/// How a window is judged while its model slot has no model yet (`group.scoring.warmup_threshold`):
/// per field, the distance of the newest step from the median of the window's other observed
/// steps, in units of their robust spread (``RobustScaler``'s, so σ for Gaussian data). The
/// window's score is the largest over its fields, and it is anomalous above the threshold.
///
/// A new group is thus watched from its first full window rather than only once `min_windows`
/// windows have trained a model: a spike, a step or a dropout against the recent level alerts at
/// once, and the windows it flags open an episode like any other (the first model then takes it
/// over, its peak and length measured afresh). It sees one window at a time, so it knows nothing
/// of daily patterns or of what is usual for the series: a high threshold (6σ by default) keeps
/// it to the obvious, and its verdicts do not decide what the first model trains on (every window
/// before it goes to the reservoir). A field is judged when its context holds at least
/// ``minimumContext`` observed steps and is not 90 % one value (a constant or an idle counter has
/// no spread to measure a change against); a window of fewer than 9 steps is never judged. The
/// score is the largest over the fields, so with many fields a higher threshold keeps the same
/// false-alarm rate.
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
                let sorted = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
                Self.heapSort(sorted)
                let (median, spread, fellBack) = RobustScaler.centreAndSpread(ofSorted: UnsafeBufferPointer(sorted))
                medians[f] = Double(median)
                // A context that sits on one value 90 % of the time (a constant, an idle counter, a
                // stepped gauge) has no spread to measure against: its fallback scale would make any
                // change "infinitely" far, so such a field is left to the model.
                guard !fellBack else { continue }
                let x = values[newest + f]
                guard observed[newest + f] > 0 && x.isFinite else { continue }
                deviations[f] = Double(x - median) / Double(spread)
                largest = max(largest, abs(deviations[f]))
            }
        }
        return largest
    }

    /// Sorts in place, ascending. By hand, because this runs for every window before a model and
    /// the standard library's sort (a merge sort) allocates a buffer for 64 elements or more.
    static func heapSort(_ a: UnsafeMutableBufferPointer<Float>) {
        func siftDown(_ start: Int, _ end: Int) {
            var root = start
            while 2 * root + 1 < end {
                var child = 2 * root + 1
                if child + 1 < end && a[child] < a[child + 1] { child += 1 }
                guard a[root] < a[child] else { return }
                a.swapAt(root, child)
                root = child
            }
        }
        let n = a.count
        guard n > 1 else { return }
        for start in stride(from: n / 2 - 1, through: 0, by: -1) { siftDown(start, n) }
        for end in stride(from: n - 1, to: 0, by: -1) {
            a.swapAt(0, end)
            siftDown(0, end)
        }
    }
}
