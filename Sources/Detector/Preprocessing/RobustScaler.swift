#if canImport(Glibc)
import Glibc  // log
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-field robust scaling, fitted on training data: `(x − median) / scale`, where scale is the
/// interquartile range divided by 1.349 (so it equals σ for Gaussian data) or, when larger, the
/// 5–95 % range divided by 3.29 (likewise σ for Gaussian data), floored so a constant
/// field does not divide by zero. Scaled training values are clipped to ±`clip` before training,
/// so that a few extreme points do not dominate the model; scoring uses unclipped values, so an
/// extreme point still scores as extreme.
///
/// A fitted scaler also keeps the range of the values it was fitted on (``minimum`` and
/// ``maximum``) and how the sample thins out towards either end (``tailScales``): the judge's
/// ``RangeEvidence`` asks how far a new value lies beyond everything the model was trained on.
public struct RobustScaler: Sendable, Equatable, Codable {
    /// Per-field centre.
    public private(set) var median: [Float]
    /// Per-field scale (> 0).
    public private(set) var scale: [Float]
    /// Bound applied by `clipped` to scaled training values.
    public var clip: Float
    /// Per-field smallest and largest fitted value (raw units), or nil when the scaler knows no
    /// range: an identity scaler, one fitted on too little to say (``withoutRange()``), or one
    /// read from a model file written before ranges were kept. A field without values has
    /// ±`Float.greatestFiniteMagnitude`, which nothing lies beyond.
    public private(set) var minimum: [Float]?
    public private(set) var maximum: [Float]?
    /// Per field, the mean excess of the values below the 1 % quantile (under it) and of those above
    /// the 99 % quantile (over it): the scales of the two exponential tails ``RangeEvidence``
    /// extends beyond the range, 2 per field (lower, upper), in raw units; nil without a range.
    public private(set) var tailScales: [Float]?
    /// How many distinct observations the range was taken from (with overlapping windows, fewer
    /// than the values fitted); nil without a range.
    public var rangeSampleSize: Int?

    /// An identity scaler for `fields` fields.
    public init(fields: Int, clip: Float = 10) {
        median = [Float](repeating: 0, count: fields)
        scale = [Float](repeating: 1, count: fields)
        self.clip = clip
    }

    /// Fits on `values`, row-major [rows × fields]; NaN entries (missing) are ignored.
    public init(fitting values: [Float], fields: Int, clip: Float = 10) {
        precondition(fields > 0 && values.count % fields == 0)
        self.init(fields: fields, clip: clip)
        var minimum = [Float](repeating: -.greatestFiniteMagnitude, count: fields)
        var maximum = [Float](repeating: .greatestFiniteMagnitude, count: fields)
        var tails = [Float](repeating: .infinity, count: 2 * fields)
        defer { (self.minimum, self.maximum, self.tailScales) = (minimum, maximum, tails) }
        let rows = values.count / fields
        var column: [Float] = []
        column.reserveCapacity(rows)
        for f in 0..<fields {
            column.removeAll(keepingCapacity: true)
            for r in 0..<rows where !values[r * fields + f].isNaN { column.append(values[r * fields + f]) }
            guard !column.isEmpty else { continue }
            column.sort()
            // ±∞ are not a range (and JSON cannot hold them); such a field stays unbounded.
            if column.first!.isFinite && column.last!.isFinite {
                (minimum[f], maximum[f]) = (column.first!, column.last!)
                (tails[2 * f], tails[2 * f + 1]) = column.withUnsafeBufferPointer { Self.tailScales(ofSorted: $0) }
            }
            let fitted = column.withUnsafeBufferPointer { Self.centreAndSpread(ofSorted: $0) }
            median[f] = fitted.median
            scale[f] = fitted.spread
        }
    }

    /// The median and the scale of sorted, non-empty values, as the initialiser fits each field.
    /// The scale is the larger of two normal-consistent spreads, IQR / 1.349 and the 5–95 % range
    /// / 3.29: they agree on Gaussian data; on discrete or heavy-tailed data (a level that sits on
    /// one value with occasional excursions) the IQR collapses and would turn every ordinary
    /// excursion into a 40σ event, so the wider range sets the unit. Mostly-constant data (both 0)
    /// falls back to the mean absolute deviation, then to a floor relative to the level, so the
    /// scale is always positive; `fellBack` says so (the values sit on one value 90 % of the time).
    static func centreAndSpread(ofSorted column: UnsafeBufferPointer<Float>)
        -> (median: Float, spread: Float, fellBack: Bool)
    {
        let q1 = quantile(column, 0.25), q2 = quantile(column, 0.5), q3 = quantile(column, 0.75)
        let wide = (quantile(column, 0.95) - quantile(column, 0.05)) / 3.29
        var spread = max((q3 - q1) / 1.349, wide)
        let fellBack = !(spread > 0)
        if fellBack {
            var mad: Float = 0
            for v in column { mad += abs(v - q2) }
            spread = mad / Float(column.count) * 1.2533
        }
        return (q2, max(spread, max(1e-6, abs(q2) * 1e-3)), fellBack)
    }

    /// The scales of the lower and upper exponential tails of sorted values: the mean excess of
    /// the `m` most extreme values on each side over the next one, with `m` the larger of 1 % of
    /// the values and 10 (a mean of fewer is mostly noise). Floored at the Gaussian's: the extremes
    /// of `n` normal values of standard deviation σ lie about `σ / √(2 ln n)` apart (the scale of
    /// their Gumbel limit), with σ read off the tail itself — the 90–99 % quantile gap over its
    /// normal value, 1.044σ — so that a series of several levels (office hours) is measured by the
    /// spread of its top level, not of all of them; and when the tail has no spread either (ties
    /// at a saturated gauge), by the body's. A tail assumed lighter than that would make every
    /// step past the maximum a certainty.
    static func tailScales(ofSorted sorted: UnsafeBufferPointer<Float>) -> (lower: Float, upper: Float) {
        let n = sorted.count
        guard n >= 2 else { return (0, 0) }
        let m = min(max(n / 100, 10), n - 1)
        var below = 0.0, above = 0.0
        for i in 0..<m {
            below += Double(sorted[m] - sorted[i])
            above += Double(sorted[n - 1 - i] - sorted[n - 1 - m])
        }
        let body = Double(centreAndSpread(ofSorted: sorted).spread)
        let gumbel = (2 * log(Double(n))).squareRoot()
        func floor(_ gap: Float) -> Double { (gap > 0 ? Double(gap) / 1.044 : body) / gumbel }
        let lowerFloor = floor(quantile(sorted, 0.10) - quantile(sorted, 0.01))
        let upperFloor = floor(quantile(sorted, 0.99) - quantile(sorted, 0.90))
        return (Float(max(below / Double(m), lowerFloor)), Float(max(above / Double(m), upperFloor)))
    }

    /// Number of fields.
    public var fields: Int { median.count }

    /// The same scaling without a range: for a scaler fitted on one window (a series a shared
    /// model has not seen yet), whose extremes say nothing about what the model was trained on.
    public func withoutRange() -> RobustScaler {
        var copy = self
        (copy.minimum, copy.maximum, copy.tailScales, copy.rangeSampleSize) = (nil, nil, nil, nil)
        return copy
    }

    /// Scales one value of field `field`.
    @inline(__always)
    public func scaled(_ value: Float, field: Int) -> Float {
        (value - median[field]) / scale[field]
    }

    /// Maps a scaled value of `field` back to its original units.
    @inline(__always)
    public func unscaled(_ value: Float, field: Int) -> Float {
        value * scale[field] + median[field]
    }

    /// Scales and clips one value, for training data.
    @inline(__always)
    public func clipped(_ value: Float, field: Int) -> Float {
        min(max(scaled(value, field: field), -clip), clip)
    }

    /// Linear-interpolated quantile of sorted values.
    static func quantile(_ sorted: UnsafeBufferPointer<Float>, _ q: Float) -> Float {
        let position = q * Float(sorted.count - 1)
        let lower = Int(position)
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Float(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}
