#if canImport(Glibc)
import Glibc  // log, pow: the C library, not Foundation (this runs per point)
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A generalized Pareto distribution (GPD) of excesses `y > 0` over a threshold:
/// `P(Y > y) = (1 + shape · y / scale)^(−1/shape)`, or `exp(−y / scale)` when `shape == 0`.
///
/// Fitted by maximum likelihood with Grimshaw's reduction to a one-dimensional root search
/// (Grimshaw 1993, as used by SPOT: Siffer et al., KDD 2017), falling back to the method of
/// moments when there are too few excesses or the likelihood search gives nothing finite.
public struct GeneralizedPareto: Codable, Equatable, Sendable {
    /// The shape ξ (tail index); positive is heavy-tailed, zero exponential, negative bounded.
    public var shape: Double
    /// The scale σ > 0.
    public var scale: Double

    /// Creates a distribution with the given shape ξ and scale σ.
    public init(shape: Double, scale: Double) {
        self.shape = shape
        self.scale = scale
    }

    /// Fewer excesses than this are fitted by the method of moments.
    public static let minimumExcessesForLikelihood = 10

    /// The excess exceeded with probability `probability`: `σ/ξ · (p^(−ξ) − 1)`, or `−σ log p`.
    public func excess(exceededWithProbability probability: Double) -> Double {
        if abs(shape) < 1e-12 { return -scale * log(probability) }
        return scale / shape * (pow(probability, -shape) - 1)
    }

    /// `log P(Y > y)` for an excess `y ≥ 0`: `−log(1 + ξ y / σ) / ξ`, or `−y / σ` when ξ = 0; −∞ beyond
    /// the upper end point `σ / |ξ|` of a bounded (ξ < 0) distribution.
    public func logSurvival(_ y: Double) -> Double {
        guard y > 0 else { return 0 }
        if abs(shape) < 1e-12 { return -y / scale }
        let s = shape * y / scale
        guard s > -1 else { return -.infinity }
        return -log1p(s) / shape
    }

    /// The log-likelihood of `excesses`, or −∞ where the parameters do not support them.
    public func logLikelihood(of excesses: [Double]) -> Double {
        guard scale > 0, scale.isFinite, shape.isFinite, !excesses.isEmpty else { return -.infinity }
        let n = Double(excesses.count)
        if abs(shape) < 1e-12 {
            return -n * log(scale) - excesses.reduce(0, +) / scale
        }
        let tau = shape / scale
        var sumLog = 0.0
        for y in excesses {
            let s = 1 + tau * y
            guard s > 0 else { return -.infinity }
            sumLog += log(s)
        }
        return -n * log(scale) - (1 + 1 / shape) * sumLog
    }

    /// Fits `excesses` (all positive) by maximum likelihood, else by the method of moments.
    public static func fit(excesses: [Double]) -> GeneralizedPareto {
        guard !excesses.isEmpty else { return GeneralizedPareto(shape: 0, scale: .leastNormalMagnitude) }
        if excesses.count >= minimumExcessesForLikelihood, let fitted = grimshaw(excesses: excesses) {
            return fitted
        }
        return methodOfMoments(excesses: excesses)
    }

    /// The exponential distribution (ξ = 0, its maximum-likelihood scale: the mean excess) unless
    /// the data reject it for a heavier tail: the generalized Pareto fit is kept only when its
    /// shape is positive and the likelihood-ratio test against the exponential rejects it at 5 %
    /// (twice the log-likelihood gain above 3.84, the χ²₁ quantile).
    ///
    /// The shape is what extrapolation far beyond the data rests on, and from the few dozen excesses
    /// a model has it is uncertain by ±0.1 or more: a positive shape that is only noise shrinks the
    /// evidence of a point ten standard deviations out to a fraction of what it is. A negative shape
    /// puts an end point on the distribution, a claim no such sample supports, past which anything
    /// would be impossible, with probability 0. So the exponential tail stands unless a heavy tail
    /// is clear, and with fewer than ``minimumExcessesForLikelihood`` excesses it always stands.
    public static func fitUnbounded(excesses: [Double]) -> GeneralizedPareto {
        guard !excesses.isEmpty else { return GeneralizedPareto(shape: 0, scale: .leastNormalMagnitude) }
        let mean = excesses.reduce(0, +) / Double(excesses.count)
        let exponential = GeneralizedPareto(shape: 0, scale: max(mean, .leastNormalMagnitude))
        guard excesses.count >= minimumExcessesForLikelihood else { return exponential }
        let fitted = fit(excesses: excesses)
        guard fitted.shape > 0 else { return exponential }
        let gain = fitted.logLikelihood(of: excesses) - exponential.logLikelihood(of: excesses)
        return 2 * gain > Self.heavyTailCriticalValue ? fitted : exponential
    }

    /// The χ²₁ quantile at 95 %: the likelihood-ratio test's critical value for one parameter.
    public static let heavyTailCriticalValue = 3.841_458_820_694_124

    /// The method-of-moments estimate: with mean m and variance v,
    /// `ξ = (1 − m²/v) / 2`, `σ = m (m²/v + 1) / 2`; exponential (`σ = m`) when v is 0.
    public static func methodOfMoments(excesses: [Double]) -> GeneralizedPareto {
        let n = Double(excesses.count)
        let mean = excesses.reduce(0, +) / n
        let variance = excesses.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / max(n - 1, 1)
        let scaleFloor = max(mean, .leastNormalMagnitude)
        guard variance > 0, variance.isFinite else { return GeneralizedPareto(shape: 0, scale: scaleFloor) }
        let ratio = mean * mean / variance
        return GeneralizedPareto(shape: 0.5 * (1 - ratio), scale: max(0.5 * mean * (ratio + 1), scaleFloor * 1e-12))
    }

    /// Grimshaw's maximum-likelihood fit, or nil when no candidate has a finite likelihood.
    ///
    /// The likelihood equations reduce to `w(t) = u(t) v(t) − 1 = 0` with
    /// `u(t) = 1 + mean log(1 + t y)` and `v(t) = mean 1/(1 + t y)`; each root `t* ≠ 0` gives
    /// `ξ = u(t*) − 1`, `σ = ξ / t*`. Roots lie in `(−1/y_max, 0)` and
    /// `(0, 2(ȳ − y_min)/y_min²)`; both intervals are scanned on a grid for sign changes, each
    /// bracketed root is refined by regula falsi, and the candidate with the highest likelihood wins
    /// (the exponential `ξ = 0, σ = ȳ` is always a candidate).
    public static func grimshaw(excesses: [Double]) -> GeneralizedPareto? {
        guard let minimum = excesses.min(), let maximum = excesses.max(), minimum > 0 else { return nil }
        let mean = excesses.reduce(0, +) / Double(excesses.count)
        var best = GeneralizedPareto(shape: 0, scale: mean)
        var bestLikelihood = best.logLikelihood(of: excesses)
        guard maximum > minimum * (1 + 1e-12) else { return bestLikelihood.isFinite ? best : nil }

        let intervals = rootIntervals(minimum: minimum, maximum: maximum, mean: mean)
        for (low, high) in [intervals.negative, intervals.positive].compactMap({ $0 }) where low < high {
            for root in roots(in: low, high, excesses: excesses) {
                let candidate = fit(atRoot: root, excesses)
                let likelihood = candidate.logLikelihood(of: excesses)
                if likelihood > bestLikelihood {
                    best = candidate
                    bestLikelihood = likelihood
                }
            }
        }
        return bestLikelihood.isFinite ? best : nil
    }

    // MARK: - Root search

    /// Where the roots of `w` lie (see ``grimshaw(excesses:)``), `ε = 10⁻⁸/ȳ` inside the ends:
    /// `(−1/y_max, 0)`, and `(0, 2(ȳ − y_min)/y_min²)` unless that one is empty.
    private static func rootIntervals(minimum: Double, maximum: Double, mean: Double)
        -> (negative: (Double, Double), positive: (Double, Double)?) {
        let epsilon = 1e-8 / mean
        let upper = 2 * (mean - minimum) / (minimum * minimum)
        return ((-1 / maximum + epsilon, -epsilon), upper > epsilon ? (epsilon, upper) : nil)
    }

    /// The fit that a root `t` of `w` gives: `ξ = mean log(1 + t y)`, `σ = ξ / t`.
    private static func fit(atRoot t: Double, _ excesses: [Double]) -> GeneralizedPareto {
        let shape = meanLog(onePlus: t, times: excesses)
        return GeneralizedPareto(shape: shape, scale: shape / t)
    }

    /// Roots of `w` in `(low, high)`: sign changes on a grid that is both uniform and geometric
    /// towards zero (roots near zero are small shapes), each refined by ``refineRoot``.
    private static func roots(in low: Double, _ high: Double, excesses: [Double]) -> [Double] {
        let gridCount = 32
        var grid: [Double] = []
        grid.reserveCapacity(2 * gridCount + 2)
        for k in 0...gridCount { grid.append(low + (high - low) * Double(k) / Double(gridCount)) }
        // Geometric points between the end nearest zero and the far end.
        let near = abs(low) < abs(high) ? low : high
        let far = abs(low) < abs(high) ? high : low
        let ratio = far / near
        if ratio > 1 {
            for k in 1..<gridCount { grid.append(near * pow(ratio, Double(k) / Double(gridCount))) }
        }
        grid.sort()
        var found: [Double] = []
        var previousT = grid[0]
        var previousW = w(previousT, excesses)
        for t in grid.dropFirst() {
            let value = w(t, excesses)
            if value == 0 {
                found.append(t)
            } else if previousW.isFinite, value.isFinite, (previousW < 0) != (value < 0), previousW != 0 {
                found.append(refineRoot(previousT, t, previousW, value, excesses))
            }
            previousT = t
            previousW = value
        }
        return found
    }

    /// The root of `w` bracketed by `[a, b]` (`w(a) = wa`, `w(b) = wb`, opposite signs), by the
    /// Illinois variant of regula falsi: it keeps the bracket like bisection but converges
    /// superlinearly, in about a tenth of bisection's 48 steps. Each step is a pass over all
    /// peaks, and SPOT refits on the daemon's hot path (`anomalyd-bench e2e` under perf).
    private static func refineRoot(_ a: Double, _ b: Double, _ wa: Double, _ wb: Double,
                                   _ excesses: [Double]) -> Double {
        var (low, high, wLow, wHigh) = (a, b, wa, wb)  // weights: w at the ends, halved by Illinois
        var (trueLow, trueHigh) = (wa, wb)  // w at the ends
        var side = 0  // which end was kept last time: -1 low, +1 high
        for _ in 0..<100 {
            var middle = (low * wHigh - high * wLow) / (wHigh - wLow)
            if !(middle > low && middle < high) { middle = 0.5 * (low + high) }
            let value = w(middle, excesses)
            if value == 0 || !value.isFinite { return middle }
            if (value < 0) == (wLow < 0) {
                low = middle
                wLow = value
                trueLow = value
                if side == -1 { wHigh *= 0.5 }  // the same end stayed twice: halve its weight
                side = -1
            } else {
                high = middle
                wHigh = value
                trueHigh = value
                if side == 1 { wLow *= 0.5 }
                side = 1
            }
            if high - low <= 1e-12 * max(abs(low), abs(high)) { break }
        }
        return trueLow.magnitude < trueHigh.magnitude ? low : high
    }

    /// `w(t) = u(t) v(t) − 1` (see ``grimshaw(excesses:)``); NaN outside the domain.
    private static func w(_ t: Double, _ excesses: [Double]) -> Double {
        excesses.withUnsafeBufferPointer { ys in
            var sumLog = 0.0
            var sumInverse = 0.0
            for y in ys {
                let s = 1 + t * y
                if s <= 0 { return .nan }
                sumLog += log(s)
                sumInverse += 1 / s
            }
            let n = Double(ys.count)
            return (1 + sumLog / n) * (sumInverse / n) - 1
        }
    }

    private static func meanLog(onePlus t: Double, times excesses: [Double]) -> Double {
        excesses.reduce(0) { $0 + log(1 + t * $1) } / Double(excesses.count)
    }
}
