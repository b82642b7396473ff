#if canImport(Glibc)
import Glibc  // log, log1p, exp
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The evidence that a window's newest value lies beyond its series' training range, and its
/// combination with the model's.
///
/// A model judges a point by how well its context predicts it; it has no notion of "larger than
/// anything this series has done". Yet among the anomalies operators care about most are values
/// beyond everything seen, and there a model, extrapolating, is least to be trusted. Among the `n`
/// exchangeable observations of the series' training range and one new one, the new one is the
/// largest with probability `1 / (n + 1)` — the conformal tail probability of the range — and
/// beyond the largest the sample's upper tail is extended exponentially, with the mean excess of
/// its top 1 % (at least 10 values) as the scale (``RobustScaler/tailScales(ofSorted:)``; the lower
/// side likewise):
/// `p = 2 / (n + 1) · exp(−(x − max) / σ)` for `x > max`, two-sided, and no evidence at all for
/// a value inside the range. With several fields the smallest probability counts, times their
/// number.
///
/// The model's test and this one are combined as the stronger of the two, doubled: `p =
/// min(1, 2 min(p_model, p_range))` (Bonferroni), valid whatever their dependence — but only for
/// a window whose newest value lies beyond the range at all. Inside it the range test has no
/// evidence to offer (`p_range = 1`) and `p = p_model`, so the published score of the vast
/// majority of windows keeps its meaning (doubling every probability halved every share of
/// normal windows above a score). The price is a bound of `1.5 α` rather than `α` at level `α`:
/// `P(p ≤ α) ≤ P(p_model ≤ α) + P(p_range ≤ α / 2)`. And they are
/// dependent: an extreme value is also one a model predicts badly, and on a noise-like series the
/// model's surprise at a new record is nothing but its extremeness. Fisher's method, which assumes
/// independence, would count such a record twice and alert on every few new highs of a noisy
/// series (measured: one false episode per hundred series-days on clean generated series); it
/// also scored 4 NAB points more, on anomalies where both tests are moderate, which on NAB's
/// labelled files are real and on a noisy series are records (docs/QUALITY.md). No sample of
/// in-range training windows can tell the two cases apart, so the combination does not try.
/// The judge's online calibration (``EvidenceTail``) then measures what the combination means
/// on the stream.
///
/// Exchangeability is the test's assumption, and a trend breaks it: a growing series sets new
/// highs as a matter of course. So the claim is checked online too (``Calibration``): per model,
/// the windows beyond the range are counted against the number the claim expects, and when they
/// come more often, every beyond-range probability is scaled up by the observed ratio.
///
/// The range lives in the series' slab row, in the scaler's units: per field the lower and upper
/// bound and the two tail scales, then `ln((n + 1) / 2)` once per series — ``floats(fields:)``.
public enum RangeEvidence {
    /// Floats of a series' slab row for `fields` fields.
    public static func floats(fields: Int) -> Int { 4 * fields + 1 }

    /// Writes `scaler`'s range (scaled by its own median and scale) into `row`; a scaler without
    /// one leaves an unbounded range, which no value lies beyond.
    public static func store(_ scaler: RobustScaler, into row: UnsafeMutablePointer<Float>) {
        let F = scaler.fields
        guard let low = scaler.minimum, let high = scaler.maximum, let tails = scaler.tailScales,
              let n = scaler.rangeSampleSize, n > 0
        else {
            for f in 0..<F {
                (row[4 * f], row[4 * f + 1], row[4 * f + 2], row[4 * f + 3]) = (-.infinity, .infinity, 1, 1)
            }
            row[4 * F] = 0
            return
        }
        for f in 0..<F {
            let scale = scaler.scale[f]
            // A tail of no width (a constant series) still needs a unit: a thousandth of the
            // robust scale makes any value past it all but impossible.
            row[4 * f] = scaler.scaled(low[f], field: f)
            row[4 * f + 1] = scaler.scaled(high[f], field: f)
            row[4 * f + 2] = max(tails[2 * f] / scale, 1e-3)
            row[4 * f + 3] = max(tails[2 * f + 1] / scale, 1e-3)
        }
        row[4 * F] = Float(log((Double(n) + 1) / 2))
    }

    /// `ln p` that the newest step lies this far beyond the range (0 inside it).
    ///
    /// Past the range, `k` tail scales out, the tail is not `e^−k` but the exponential's posterior
    /// predictive, `(1 + k/m)^−m`, with `m` the number of extremes the scale was measured on
    /// (``RobustScaler/tailScales(ofSorted:)``): a scale estimated from ten values is uncertain by
    /// a third, and twenty scales out the plain exponential would take that guess for a fact by a
    /// factor of 10⁴. (With a scale prior uniform in `ln σ`, an exponential tail of mean excess
    /// `σ̂` measured on `m` values predicts exactly this Lomax tail.)
    /// - Parameters:
    ///   - newest: the newest step's values in the scaler's units, (fields).
    ///   - observed: 1 where observed, (fields).
    ///   - range: the series' range as ``store(_:into:)`` wrote it.
    @inline(__always)
    public static func logTail(newest: UnsafePointer<Float>, observed: UnsafePointer<Float>, fields F: Int,
                               range: UnsafePointer<Float>) -> Double {
        var farthest: Float = -1
        for f in 0..<F where observed[f] > 0 {
            let x = newest[f], r = range + 4 * f
            let beyond: Float = x > r[1] ? (x - r[1]) / r[3] : x < r[0] ? (r[0] - x) / r[2] : -1
            if beyond > farthest { farthest = beyond }  // NaN never is
        }
        guard farthest >= 0 else { return 0 }
        let logHalfCount = Double(range[4 * F])
        let m = extremes(sampleSize: 2 * exp(logHalfCount) - 1)
        let tail = farthest == .infinity ? -Double.infinity : -m * log1p(Double(farthest) / m)
        return min(-logHalfCount + tail + log(Double(F)), 0)
    }

    /// How many extremes a tail scale is measured on among `n` values: 1 % of them, at least 10
    /// (and fewer than `n`) — as ``RobustScaler/tailScales(ofSorted:)`` counts them.
    @inline(__always)
    static func extremes(sampleSize n: Double) -> Double {
        max(min(max((n / 100).rounded(.down), 10), n.rounded() - 1), 1)
    }

    /// `ln` of the probability the test claims for a window to lie beyond the range at all
    /// (`fields · 2 / (n + 1)`), or −∞ for a series without a range.
    @inline(__always)
    public static func logClaim(fields F: Int, range: UnsafePointer<Float>) -> Double {
        let logHalfCount = Double(range[4 * F])
        return logHalfCount > 0 ? log(Double(F)) - logHalfCount : -.infinity
    }

    /// The range test's claim checked on the stream: how many windows lay beyond their range
    /// against how many the claim expects.
    ///
    /// Two corrections follow, both for series that are not exchangeable with their training
    /// data (a trend, a level that moved for good):
    /// - every beyond-range probability is scaled up by the observed-to-claimed ratio (a Poisson
    ///   rate ratio with one pseudo-count each, so that a model starts by believing its claim);
    /// - once the count is so far above the claim that a Poisson count of the claimed mean would
    ///   reach it with a probability below the threshold's `q`, the claim is rejected at the
    ///   judge's own false-alarm rate, and the range is no evidence at all until the next model.
    ///   The first windows beyond the range have alerted by then; the rest of a level shift or a
    ///   trend's every new high would otherwise alert again and again.
    public struct Calibration: Codable, Equatable, Sendable {
        /// Windows that lay beyond their series' range.
        public private(set) var observed = 0.0
        /// The sum of their claimed probabilities of doing so.
        public private(set) var expected = 0.0

        /// A calibration that believes the claim.
        public init() {}

        /// `ln` of the factor (≥ 1) by which beyond-range probabilities are scaled up.
        public var logCorrection: Double { log(max((observed + 1) / (expected + 1), 1)) }

        /// Counts one window: whether it lay beyond the range, and the claim's `ln` probability.
        public mutating func count(beyond: Bool, logClaim: Double) {
            guard logClaim.isFinite else { return }
            expected += exp(logClaim)
            if beyond { observed += 1 }
        }

        /// Whether the stream has rejected the claim at level `exp(logLevel)`: `ln P(N ≥ observed)`
        /// below `logLevel` for `N` Poisson with the claimed mean.
        public func rejects(atLogLevel logLevel: Double) -> Bool {
            observed > 0 && Self.logPoissonTail(atLeast: observed, mean: expected) < logLevel
        }

        /// `logTail` as corrected by what the stream showed (≤ 0): 0 once the claim is rejected
        /// at `exp(logLevel)`, else scaled up by the observed ratio.
        @inline(__always)
        public func corrected(_ logTail: Double, logLevel: Double) -> Double {
            guard logTail < 0, !rejects(atLogLevel: logLevel) else { return 0 }
            return min(logTail + logCorrection, 0)
        }

        /// `ln P(N ≥ k)` for `N` Poisson of mean `λ`, summed term by term in logarithms from `k`
        /// up (exact for the small means and counts of a range claim; the sum stops once the
        /// terms fall e⁻⁴⁰ below the largest).
        static func logPoissonTail(atLeast k: Double, mean λ: Double) -> Double {
            guard k > 0 else { return 0 }
            guard λ > 0 else { return -.infinity }
            let logMean = log(λ)
            var largest = -Double.infinity, sum = 0.0
            var i = k
            while true {
                let term = -λ + i * logMean - lgamma(i + 1)
                if term > largest {
                    sum = sum * exp(largest - term) + 1
                    largest = term
                } else {
                    sum += exp(term - largest)
                }
                if (term < largest - 40 && i > λ) || i > k + 100_000 { break }
                i += 1
            }
            return min(largest + log(sum), 0)
        }
    }

    /// The window's log tail probability from the model's `model` and the range test's `range`
    /// (0 inside it): `ln min(1, 2 min(p_model, p_range))` beyond the range, `model` inside it.
    @inline(__always)
    public static func combined(model: Double, range: Double) -> Double {
        guard range < 0 else { return model }
        return min(min(model, range) + log(2.0), 0)
    }
}
