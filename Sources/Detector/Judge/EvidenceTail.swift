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
/// The first stage (a model's ``ScoreTail``, or the ``ColdStartCheck``'s prediction interval)
/// gives each window a tail probability `p` by its own lights. Were those exact, `e = −ln p`
/// would follow the unit exponential distribution on normal windows: `P(E ≥ e) = e^−e`. They are
/// not: a model's scores were fitted on windows that overlap its training windows, so it is
/// optimistic about new data, and a prediction interval assumes a distribution the series need
/// not have. So this stage counts, on the windows it judges normal, how often the evidence
/// exceeds ``threshold`` and by how much, and returns `P(E ≥ e)` under what it counted — the
/// peaks-over-threshold method of extreme value theory (as in SPOT), with an exponential tail:
/// - above ``threshold`` `t` (`ln 50`: the top 2 % of exact evidence, SPOT's level):
///   `P(E ≥ e) = π · exp(−(e − t) / σ)`, with `π` the rate of exceedances and `σ` their mean;
/// - below it the first stage's probabilities, rescaled to meet `π` at `t`:
///   `P(E ≥ e) = 1 − (1 − e^−e)(1 − π) / (1 − e^−t)`.
///
/// A first stage that is off by a factor in its evidence (an overconfident model: every `e` twice
/// what it should be) has exponential excesses of another scale, which is what `σ` measures. The
/// shape is not estimated: from the few dozen excesses one model sees, a generalized Pareto shape
/// is mostly noise, and its error grows without bound at the small probabilities a threshold sits
/// at.
///
/// The estimates start from the first stage's own claim, `π = 2 %`, `σ = 1`, as a prior worth
/// ``priorWindows`` windows (the conjugate Beta and inverse-gamma priors of a rate and an
/// exponential scale: pseudo-counts added to the real ones). A first stage that tells the truth is
/// left as it is; one that does not is corrected as its real windows outweigh the prior. Three
/// numbers, no buffer; a slot starts a new one with every model, whose claims are its own.
public struct EvidenceTail: Codable, Equatable, Sendable {
    /// Windows counted, the prior's included.
    public private(set) var count: Double
    /// Of them, windows whose evidence exceeded ``threshold``.
    public private(set) var exceedances: Double
    /// The sum of their excesses over ``threshold``.
    public private(set) var excessSum: Double

    /// The evidence above which the tail is the exponential one: `ln 50`, exceeded by 2 % of exact
    /// evidence.
    public static let threshold = log(50.0)
    /// The weight of the prior, in windows: 500 windows hold 10 exceedances, which is about as
    /// many as a rate and a mean are first worth estimating from (their relative error is then
    /// about a third).
    public static let priorWindows = 500.0

    /// A stage that believes the first stage: the prior alone.
    public init() {
        count = Self.priorWindows
        exceedances = Self.priorWindows * exp(-Self.threshold)
        excessSum = exceedances  // unit mean excess
    }

    /// The rate `π` at which evidence exceeds ``threshold``.
    public var exceedanceRate: Double { exceedances / count }
    /// The mean excess `σ` over ``threshold``.
    public var scale: Double { excessSum / exceedances }

    /// `ln P(E ≥ evidence)` on the stream: the recalibrated log tail probability (≤ 0).
    public func logSurvival(_ evidence: Double) -> Double {
        guard evidence > 0 else { return 0 }
        let t = Self.threshold, rate = exceedanceRate
        if evidence > t { return log(rate) - (evidence - t) / scale }
        // 1 − (1 − e^−e)(1 − π)/(1 − e^−t), written to keep its precision near 1.
        let below = -expm1(-evidence) * (1 - rate) / -expm1(-t)
        return log1p(-below)
    }

    /// Counts a window the judge found normal, with its first-stage evidence.
    public mutating func learn(_ evidence: Double) {
        guard evidence.isFinite else { return }
        count += 1
        guard evidence > Self.threshold else { return }
        exceedances += 1
        excessSum += evidence - Self.threshold
    }
}
