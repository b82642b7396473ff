#if canImport(Glibc)
import Glibc  // exp, log, log1p, expm1
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The online stage of the judge's calibration: what an evidence `e = −ln p` really means on the
/// stream, learnt from the windows a model judges.
///
/// The first stage (a model's ``ScoreTail``s averaged over its ensemble, or the
/// ``ColdStartCheck``'s prediction intervals) gives each window a tail probability `p` by its
/// own lights. Were those exact, `e = −ln p` would follow the unit exponential distribution on
/// normal windows: `P(E ≥ e) = e^−e`. They are not: a model's scores were fitted on windows that
/// overlap its training windows, so it is optimistic about new data; the geometric mean of an
/// ensemble's probabilities is more concentrated than any one of them; and a prediction interval
/// assumes a distribution the series need not have. So this stage measures the evidence's
/// distribution on the windows it judges normal and returns `P(E ≥ e)` under what it measured:
/// - in the body, below ``threshold`` `t` (`ln 100`: the top 1 % of exact evidence), the
///   empirical distribution, as counts in ``binCount`` bins that hold equal shares of exact
///   evidence (interpolated linearly within a bin): what a published score means is read off the
///   stream itself down to a 1 % tail, which the few thousand windows of one model still sample
///   well (dozens of windows);
/// - above it the peaks-over-threshold method of extreme value theory (as in SPOT), with an
///   exponential tail: `P(E ≥ e) = π · exp(−(e − t) / σ)`, with `π` the share of windows beyond
///   `t` and `σ` their mean excess.
///
/// A first stage that is off by a factor in its evidence (an overconfident model: every `e` twice
/// what it should be) has exponential excesses of another scale, which is what `σ` measures. The
/// tail's shape is not estimated: from the few dozen excesses one model sees, a generalized
/// Pareto shape is mostly noise, and its error grows without bound at the small probabilities a
/// threshold sits at.
///
/// Every count starts from the first stage's own claim, as a prior worth ``priorWindows``
/// windows (pseudo-counts: the conjugate Dirichlet prior of the bin shares and the inverse-gamma
/// prior of an exponential scale). A first stage that tells the truth is left as it is; one that
/// does not is corrected as its real windows outweigh the prior. A fixed handful of numbers, no
/// buffer; a slot starts a new one with every model, whose claims are its own (measured: carrying
/// the previous model's measurements over as the prior scored 2 NAB points less).
public struct EvidenceTail: Codable, Equatable, Sendable {
    /// Windows counted in each body bin, the prior's included; bin `b` holds exact evidence with
    /// cumulative level in `[b, b + 1) · (1 − e^−t) / binCount`.
    public private(set) var bins: [Double]
    /// Windows whose evidence exceeded ``threshold``, the prior's included.
    public private(set) var exceedances: Double
    /// The sum of their excesses over ``threshold``.
    public private(set) var excessSum: Double

    /// The evidence above which the tail is the exponential one: `ln 100`, exceeded by 1 % of
    /// exact evidence.
    public static let threshold = log(100.0)
    /// Body bins: 20 bins of about 5 % each read a share to within the sampling error of the
    /// few thousand windows a model judges, in 22 numbers.
    public static let binCount = 20
    /// The weight of the prior, in windows: 1,000 windows hold 10 exceedances, which is about as
    /// many as a rate and a mean are first worth estimating from (their relative error is then
    /// about a third).
    public static let priorWindows = 1000.0

    /// A stage that believes the first stage: the prior alone.
    public init() {
        let tail = exp(-Self.threshold)
        exceedances = Self.priorWindows * tail
        excessSum = exceedances  // unit mean excess
        bins = [Double](repeating: Self.priorWindows * (1 - tail) / Double(Self.binCount), count: Self.binCount)
    }

    /// Windows counted, the prior's included.
    public var count: Double { bins.reduce(exceedances, +) }
    /// The rate `π` at which evidence exceeds ``threshold``.
    public var exceedanceRate: Double { exceedances / count }
    /// The mean excess `σ` over ``threshold``.
    public var scale: Double { excessSum / exceedances }

    /// The body bin of `evidence` (≤ ``threshold``) and its position within it, in [0, 1].
    @inline(__always)
    static func bin(of evidence: Double) -> (index: Int, fraction: Double) {
        // The exact cumulative level 1 − e^−e, in units of a bin's share.
        let position = -expm1(-evidence) / -expm1(-threshold) * Double(binCount)
        let index = min(Int(position), binCount - 1)
        return (index, min(position - Double(index), 1))
    }

    /// `ln P(E ≥ evidence)` on the stream: the recalibrated log tail probability (≤ 0).
    public func logSurvival(_ evidence: Double) -> Double {
        guard evidence > 0 else { return 0 }
        let total = count
        if evidence > Self.threshold { return log(exceedances / total) - (evidence - Self.threshold) / scale }
        let (b, fraction) = Self.bin(of: evidence)
        var above = exceedances + bins[b] * (1 - fraction)
        for i in (b + 1)..<Self.binCount { above += bins[i] }
        return min(log(above / total), 0)
    }

    /// Counts a window the judge found normal, with its first-stage evidence.
    public mutating func learn(_ evidence: Double) {
        guard evidence.isFinite else { return }
        guard evidence > Self.threshold else {
            bins[Self.bin(of: max(evidence, 0)).index] += 1
            return
        }
        exceedances += 1
        excessSum += evidence - Self.threshold
    }
}
