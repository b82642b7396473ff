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

    /// Grimshaw's fit of `excesses` started from `previous`, a fit of mostly the same excesses
    /// (SPOT refits after a tenth new peaks): the root of `w` is sought in a bracket grown
    /// geometrically around `previous`'s `t = ξ/σ` — a few passes over the excesses instead of the
    /// full scan's ~90 — and compared with the exponential fit. Falls back to ``fit(excesses:)``
    /// when `previous` is exponential or no sign change is found near it.
    ///
    /// It finds the root the full scan would refine near `t`, not every root: SPOT therefore runs
    /// a full ``fit(excesses:)`` every few refits, so a fit never stays on a worse root for long.
    public static func fit(excesses: [Double], near previous: GeneralizedPareto) -> GeneralizedPareto {
        guard excesses.count >= minimumExcessesForLikelihood, previous.shape != 0, previous.scale > 0,
              let minimum = excesses.min(), let maximum = excesses.max(), minimum > 0,
              maximum > minimum * (1 + 1e-12)
        else { return fit(excesses: excesses) }
        let mean = excesses.reduce(0, +) / Double(excesses.count)
        let t0 = previous.shape / previous.scale
        let intervals = rootIntervals(minimum: minimum, maximum: maximum, mean: mean)
        let w0 = w(t0, excesses)
        guard let (low, high) = t0 < 0 ? intervals.negative : intervals.positive,
              low < high, t0 > low, t0 < high, w0.isFinite
        else { return fit(excesses: excesses) }
        var root: Double? = w0 == 0 ? t0 : nil
        // March away from t0 on both sides, by a factor of 1.5 in |t|, until w changes sign.
        var (left, wLeft, right, wRight) = (t0, w0, t0, w0)
        var step = 0
        while root == nil, step < 24, left > low || right < high {
            step += 1
            if left > low {
                let t = max(t0 < 0 ? left * 1.5 : left / 1.5, low)
                let value = w(t, excesses)
                if value.isFinite, (value < 0) != (wLeft < 0) || value == 0 {
                    root = value == 0 ? t : refineRoot(t, left, value, wLeft, excesses)
                }
                (left, wLeft) = value.isFinite ? (t, value) : (low, wLeft)
            }
            if root == nil, right < high {
                let t = min(t0 < 0 ? right / 1.5 : right * 1.5, high)
                let value = w(t, excesses)
                if value.isFinite, (value < 0) != (wRight < 0) || value == 0 {
                    root = value == 0 ? t : refineRoot(right, t, wRight, value, excesses)
                }
                (right, wRight) = value.isFinite ? (t, value) : (high, wRight)
            }
        }
        guard let root else { return fit(excesses: excesses) }
        let candidate = fit(atRoot: root, excesses)
        let likelihood = candidate.logLikelihood(of: excesses)
        // A maximum of the likelihood is at least as likely as the last fit on these excesses;
        // a root that is not (a sign change in w's rounding noise near t = 0, or a worse
        // stationary point) sends the fit to the full scan.
        guard likelihood.isFinite, likelihood >= previous.logLikelihood(of: excesses) - 1e-9 * abs(likelihood)
        else { return fit(excesses: excesses) }
        let exponential = GeneralizedPareto(shape: 0, scale: mean)
        return likelihood > exponential.logLikelihood(of: excesses) ? candidate : exponential
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
