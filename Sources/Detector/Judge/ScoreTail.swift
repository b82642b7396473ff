#if canImport(Glibc)
import Glibc  // log: the C library, not Foundation (this runs per window)
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A model's tail probabilities: how often a normal window scores at least `c`, measured on the
/// windows of its training run (the first stage of the judge's calibration).
///
/// The body is the scores' empirical distribution, kept as at most ``maximumQuantiles`` quantiles
/// and interpolated linearly. Above its ``tailLevel`` quantile `u` — where the sample thins out and
/// a frequency could say no more than "less than one in the sample size" — the excesses `c − u`
/// are fitted with a generalized Pareto distribution (the peaks-over-threshold method of extreme
/// value theory, at SPOT's level of 98 %): `P(C ≥ c) = (1 − tailLevel) · P(Y ≥ c − u)`. So a score
/// far beyond anything seen still gets a finite, ranked probability rather than 0. The shape is
/// floored at 0 (``GeneralizedPareto/fitUnbounded(excesses:)``): a model's scores are often
/// heavy-tailed (a noisy series, a decoder whose σ is sometimes too small), which a positive shape
/// follows, but a bounded tail is a claim a few dozen excesses cannot support.
///
/// The windows are the model's own training windows, held-out ones included: with sliding
/// windows a held-out window overlaps its neighbours in training anyway, so holding some out buys
/// no independence, only fewer scores (and calibrating on a held-out block of the newest windows
/// instead scored 10 NAB points worse: docs/QUALITY.md). The model is therefore optimistic about
/// new data; the judge corrects it online (``EvidenceTail``). It is stored in the model file.
public struct ScoreTail: Codable, Equatable, Sendable {
    /// Quantiles of the scores at levels `(i + ½) / count`, ascending.
    public private(set) var quantiles: [Double]
    /// The quantile level above which the tail is the fitted distribution.
    public private(set) var tailLevel: Double
    /// The score at ``tailLevel``: the tail's threshold `u`.
    public private(set) var threshold: Double
    /// The fitted distribution of excesses over ``threshold``.
    public private(set) var tail: GeneralizedPareto

    /// The most quantiles kept: enough for the body, where a probability is only ever read to
    /// a few percent (the judge works in the tail), and small in the model file.
    public static let maximumQuantiles = 256
    /// Fewest finite scores a tail is fitted to.
    public static let minimumScores = 10
    /// The least scale of the tail, in the combined score's units.
    public static let minimumScale = 1.0

    /// The default tail level, SPOT's (Siffer et al., KDD 2017): the top 2 % of scores, a few dozen
    /// excesses from the thousands of windows a model trains on.
    public static let defaultTailLevel = 0.98

    /// Fits the tail probabilities of `scores` (non-finite ones are ignored). With fewer than
    /// ``minimumScores``, an exponential tail of unit scale over their maximum (or over 0) stands in.
    public init(fitting scores: [Double], tailLevel: Double = ScoreTail.defaultTailLevel) {
        precondition(tailLevel > 0 && tailLevel < 1)
        let sorted = scores.filter(\.isFinite).sorted()
        self.tailLevel = tailLevel
        guard sorted.count >= Self.minimumScores else {
            quantiles = sorted.isEmpty ? [0] : sorted
            threshold = sorted.last ?? 0
            tail = GeneralizedPareto(shape: 0, scale: 1)
            self.tailLevel = 1 - 1 / Double(quantiles.count + 1)
            return
        }
        let count = min(sorted.count, Self.maximumQuantiles)
        quantiles = (0..<count).map { i in Quantile.ofSorted(sorted, level: (Double(i) + 0.5) / Double(count)) }
        let u = Quantile.ofSorted(sorted, level: tailLevel)
        threshold = u
        let excesses = sorted.filter { $0 > u }.map { $0 - u }
        // Scores are in robust standard deviations of the raw scores (ScoreCalibration): a tail
        // falling off faster than e per unit would be a fit to rounding noise (a constant series
        // scores the same up to the last bits), so the scale is at least 1.
        var fitted = excesses.isEmpty ? GeneralizedPareto(shape: 0, scale: 1) : GeneralizedPareto.fitUnbounded(excesses: excesses)
        fitted.scale = max(fitted.scale, Self.minimumScale)
        tail = fitted
    }

    /// `log P(C ≥ score)` for a normal window: the interpolated held-out distribution in the body,
    /// the fitted tail above ``threshold``; 0 for a score below every quantile.
    public func logSurvival(_ score: Double) -> Double {
        guard !score.isNaN else { return 0 }
        if score > threshold { return log(1 - tailLevel) + tail.logSurvival(score - threshold) }
        return log(max(1 - cumulative(score), 1 - tailLevel))
    }

    /// The interpolated cumulative level of `score` in the body (at most ``tailLevel``).
    private func cumulative(_ score: Double) -> Double {
        let n = quantiles.count
        guard score > quantiles[0] else { return 0 }
        // Binary search for the last quantile ≤ score.
        var low = 0, high = n - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if quantiles[mid] <= score { low = mid } else { high = mid - 1 }
        }
        let level = { (i: Int) in (Double(i) + 0.5) / Double(n) }
        guard low < n - 1 else { return min(level(low), tailLevel) }
        let span = quantiles[low + 1] - quantiles[low]
        let fraction = span > 0 ? (score - quantiles[low]) / span : 0
        return min(level(low) + fraction / Double(n), tailLevel)
    }
}
