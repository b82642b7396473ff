#if canImport(Glibc)
import Glibc  // lgamma, log, log1p, exp
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Student's t distribution: the two-sided tail probability of a t statistic, as a logarithm so
/// that probabilities far below `Double`'s smallest normal number still rank.
///
/// `P(|T| ≥ t) = I_x(ν/2, 1/2)` with `x = ν / (ν + t²)`, the regularised incomplete beta function,
/// evaluated by its continued fraction (Lentz's method, as in Numerical Recipes §6.4): the
/// fraction converges fast for `x < (a + 1) / (a + b + 2)`, and the symmetry
/// `I_x(a, b) = 1 − I_{1−x}(b, a)` covers the rest.
public enum StudentT {
    /// `ln P(|T| ≥ |t|)` for `ν = degreesOfFreedom > 0`; 0 for t = 0 or a NaN.
    public static func logTwoSidedTail(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(nu > 0, "degrees of freedom must be positive")
        guard t.isFinite else { return t.isNaN ? 0 : -.infinity }
        guard t != 0 else { return 0 }
        let t2 = t * t
        // x = ν/(ν + t²) and 1 − x = t²/(ν + t²), each computed directly (no cancellation).
        let x = nu / (nu + t2), y = t2 / (nu + t2)
        return logRegularizedBeta(x: x, y: y, a: nu / 2, b: 0.5)
    }

    /// `ln I_x(a, b)`, with `y = 1 − x` given separately for precision.
    static func logRegularizedBeta(x: Double, y: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return -.infinity }
        if y <= 0 { return 0 }
        let logFront = a * log(x) + b * log(y) + lgamma(a + b) - lgamma(a) - lgamma(b)
        if x < (a + 1) / (a + b + 2) {
            return logFront + log(continuedFraction(x: x, a: a, b: b)) - log(a)
        }
        // I_x(a, b) = 1 − I_y(b, a).
        let complement = exp(logFront + log(continuedFraction(x: y, a: b, b: a)) - log(b))
        return log1p(-min(complement, 1))
    }

    /// The continued fraction of the incomplete beta function (Lentz's method).
    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300, epsilon = 1e-15
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...300 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }
}
