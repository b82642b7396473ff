#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The distribution of μ_z over the training windows, for a Mahalanobis latent distance.
public struct LatentStatistics: Sendable, Equatable {
    /// Mean of μ_z, (L).
    public var mean: [Float]
    /// Covariance of μ_z, (L, L) row-major.
    public var covariance: [Float]
    /// Number of windows it was fitted on.
    public var count: Int
    /// Added to the covariance diagonal before inverting, so a collapsed latent stays invertible.
    public var ridge: Float

    /// Statistics from explicit values.
    public init(mean: [Float], covariance: [Float], count: Int, ridge: Float = 1e-3) {
        self.mean = mean
        self.covariance = covariance
        self.count = count
        self.ridge = ridge
    }

    /// The prior N(0, I): the latent distance is then ‖μ_z‖.
    public static func standard(latent: Int) -> LatentStatistics {
        var cov = [Float](repeating: 0, count: latent * latent)
        for i in 0..<latent { cov[i * latent + i] = 1 }
        return LatentStatistics(mean: .init(repeating: 0, count: latent), covariance: cov, count: 0, ridge: 0)
    }

    /// muZ is (N, L): mean and (N − 1)-normalised covariance, accumulated in Double.
    static func fit(_ muZ: UnsafePointer<Float>, count N: Int, latent L: Int, ridge: Float) -> LatentStatistics {
        var mean = [Double](repeating: 0, count: L)
        for n in 0..<N { for j in 0..<L { mean[j] += Double(muZ[n * L + j]) } }
        for j in 0..<L { mean[j] /= Double(max(N, 1)) }
        var cov = [Double](repeating: 0, count: L * L)
        for n in 0..<N {
            for i in 0..<L {
                let di = Double(muZ[n * L + i]) - mean[i]
                for j in 0...i { cov[i * L + j] += di * (Double(muZ[n * L + j]) - mean[j]) }
            }
        }
        let denom = Double(max(N - 1, 1))
        var out = [Float](repeating: 0, count: L * L)
        for i in 0..<L {
            for j in 0...i {
                let v = Float(cov[i * L + j] / denom)
                out[i * L + j] = v; out[j * L + i] = v
            }
        }
        return LatentStatistics(mean: mean.map { Float($0) }, covariance: out, count: N, ridge: ridge)
    }

    /// The lower Cholesky factor C of (covariance + ridge·I) = C Cᵀ, (L, L) row-major, in Double.
    /// If the matrix is not positive definite, the ridge is raised tenfold until it is.
    func choleskyFactor() -> [Double] {
        let L = mean.count
        var ridge = Double(max(ridge, 0))
        while true {
            var c = [Double](repeating: 0, count: L * L)
            var ok = true
            outer: for i in 0..<L {
                for j in 0...i {
                    var sum = Double(covariance[i * L + j]) + (i == j ? ridge : 0)
                    for k in 0..<j { sum -= c[i * L + k] * c[j * L + k] }
                    if i == j {
                        guard sum > 0, sum.isFinite else { ok = false; break outer }
                        c[i * L + i] = sum.squareRoot()
                    } else {
                        c[i * L + j] = sum / c[j * L + j]
                    }
                }
            }
            if ok { return c }
            ridge = ridge > 0 ? ridge * 10 : 1e-6
            if ridge > 1e12 { return (0..<(L * L)).map { $0 % (L + 1) == 0 ? 1 : 0 } }
        }
    }

    /// The inverse of the Cholesky factor, (L, L) lower triangular Float: the latent distance of
    /// μ is ‖W (μ − mean)‖, and W is applied with a few multiply-adds per window.
    func whitening() -> [Float] {
        let L = mean.count
        let c = choleskyFactor()
        var w = [Double](repeating: 0, count: L * L)
        // Solve C W = I column by column (forward substitution).
        for col in 0..<L {
            for i in col..<L {
                var sum: Double = i == col ? 1 : 0
                for k in col..<i { sum -= c[i * L + k] * w[k * L + col] }
                w[i * L + col] = sum / c[i * L + i]
            }
        }
        return w.map { Float($0) }
    }
}
