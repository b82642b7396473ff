#if canImport(Glibc)
import Glibc  // log
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How the judge sees a window before its model slot has a model: is the step before the newest
/// a spike — a point that left its context and came back?
///
/// Before a model has seen the series' patterns, a change of level cannot be told from one: the
/// first 9 a.m. of an office-hours series, the first weekend of a weekly one, look exactly like a
/// shift. A point that leaves and returns can be told, with one step of delay. So the check judges
/// the second-newest step `x` of the window against three textbook prediction intervals for the
/// next observation of a sample (x̄, s from n values: `(x − x̄) / (s √(1 + 1/n))` follows
/// Student's t with n − 1 degrees of freedom), each drawn from the steps before it:
/// - **level**: `x` against the context's values, the right test for a series that holds a level;
/// - **change**: `x`'s change from the step before it against the context's step-to-step changes,
///   the right test for a series that moves smoothly (a daily cycle, a trend);
/// - **return**: the newest step's change from `x` against the same changes, in the opposite
///   direction to `x`'s: the series came back.
///
/// `x` is a spike when it left (the smaller of the level and change probabilities, doubled:
/// two tests) and came back (the return probability): the larger of the two, as an
/// intersection-union test needs. A field's probability is that; the window's is the smallest over
/// its fields times their number. The result is an evidence like the model's; the judge
/// recalibrates it online (``EvidenceTail``) and compares it with the same false-alarm rate. A
/// context with no spread (a constant, an idle counter) gives no unit to measure a change in: that
/// field is not judged until a model exists. Means and variances are running sums: no sort and no
/// allocation per window.
public struct ColdStartCheck: Sendable {
    /// Steps per window.
    public let window: Int
    /// Fields per step.
    public let fields: Int
    /// Per field, after ``logTail(values:observed:)``: the value judged (the second-newest step;
    /// NaN when missing).
    public private(set) var judged: [Double]
    /// Per field, after ``logTail(values:observed:)``: what the level test expected (the context's
    /// mean; NaN when the field was not judged).
    public private(set) var expected: [Double]
    /// Per field, after ``logTail(values:observed:)``: the smaller magnitude of the leaving and the
    /// returning t statistics (0 when not judged).
    public private(set) var statistics: [Double]

    /// Fewest context values (and changes) a test needs: three give two degrees of freedom, with
    /// which a t interval is already very wide, so a short context is judged conservatively rather
    /// than not at all.
    public static let minimumContext = 3

    /// A check of windows of `window` (≥ 3) steps × `fields` (≥ 1) fields.
    public init(window: Int, fields: Int) {
        precondition(window >= 3 && fields >= 1)
        self.window = window
        self.fields = fields
        judged = [Double](repeating: .nan, count: fields)
        expected = [Double](repeating: .nan, count: fields)
        statistics = [Double](repeating: 0, count: fields)
    }

    /// The window's log tail probability (≤ 0; 0 when nothing could be judged). `values` and
    /// `observed` are (window × fields), oldest step first, 1 for an observed value.
    public mutating func logTail(values: UnsafePointer<Float>, observed: UnsafePointer<Float>) -> Double {
        let W = window, F = fields, judgedStep = (W - 2) * F, newest = (W - 1) * F
        var smallest = 0.0
        for f in 0..<F {
            judged[f] = .nan
            expected[f] = .nan
            statistics[f] = 0
            let x = Double(values[judgedStep + f]), next = Double(values[newest + f])
            guard observed[judgedStep + f] > 0, x.isFinite else { continue }
            judged[f] = x
            guard observed[newest + f] > 0, next.isFinite else { continue }
            var level = Moments(), change = Moments()
            var previous = Double.nan
            for t in 0..<(W - 2) {
                let v = Double(values[t * F + f])
                guard observed[t * F + f] > 0, v.isFinite else {
                    previous = .nan
                    continue
                }
                level.add(v)
                if !previous.isNaN { change.add(v - previous) }
                previous = v
            }
            // Left: the level or the change test, whichever is stronger (two tests).
            var left: (log: Double, t: Double)?
            if let (t, nu) = level.statistic(for: x) {
                expected[f] = level.mean
                left = (StudentT.logTwoSidedTail(t, degreesOfFreedom: nu), abs(t))
            }
            if !previous.isNaN, let (t, nu) = change.statistic(for: x - previous) {
                let logTail = StudentT.logTwoSidedTail(t, degreesOfFreedom: nu)
                if left == nil || logTail < left!.log { left = (logTail, abs(t)) }
            }
            // Came back: the next change, against the context's changes, opposite to the leaving.
            guard let (leftLog, leftT) = left, let (t, nu) = change.statistic(for: next - x) else { continue }
            let away = x - (expected[f].isNaN ? previous : expected[f])
            guard away * (next - x) < 0 else { continue }  // no return: a step, not a spike
            let backLog = StudentT.logTwoSidedTail(t, degreesOfFreedom: nu)
            statistics[f] = min(leftT, abs(t))
            smallest = min(smallest, max(leftLog + log(2.0), backLog))
        }
        // F fields: the smallest probability times their number, at most 1.
        return min(smallest + log(Double(F)), 0)
    }

    /// Count, mean and sum of squared deviations of a sample (Welford's updates).
    struct Moments {
        var count = 0.0, mean = 0.0, squares = 0.0

        mutating func add(_ value: Double) {
            count += 1
            let delta = value - mean
            mean += delta / count
            squares += delta * (value - mean)
        }

        /// The prediction-interval statistic of a new `value` and its degrees of freedom; nil with
        /// too few values or no spread.
        func statistic(for value: Double) -> (t: Double, degreesOfFreedom: Double)? {
            guard Int(count) >= ColdStartCheck.minimumContext else { return nil }
            let variance = squares / (count - 1)
            guard variance > 0, variance.isFinite else { return nil }
            return ((value - mean) / (variance * (1 + 1 / count)).squareRoot(), count - 1)
        }
    }
}
