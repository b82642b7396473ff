#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import VAE

/// Synthetic seasonal series cut into windows, plus anomaly injection, shared by the tests.
enum Synthetic {
    /// A daily-like seasonal series with noise: two harmonics, period `period`.
    static func series(length: Int, period: Int = 24, noise: Float = 0.05, seed: UInt64 = 1) -> [Float] {
        var rng = SeededRandom(seed: seed)
        return (0..<length).map { t in
            let phase = 2 * Float.pi * Float(t) / Float(period)
            return sinf(phase) + 0.3 * sinf(2 * phase + 0.5) + noise * rng.normal()
        }
    }

    /// All windows of `window` consecutive points (stride `stride`), flattened (count × window).
    static func windows(_ series: [Float], window: Int, stride: Int = 1) -> [Float] {
        var out: [Float] = []
        var start = 0
        while start + window <= series.count {
            out.append(contentsOf: series[start..<(start + window)])
            start += stride
        }
        return out
    }

    /// A config small enough for debug-build tests.
    static func smallConfig(window: Int) -> VAEConfig {
        VAEConfig(inputSize: window, hidden: [32, 32], latent: 4)
    }
}

/// Scores `windows` with `scorer` and returns the NLLs.
func nlls(_ scorer: Scorer, _ windows: [Float]) -> [Float] {
    scorer.score(windows).map(\.nll)
}
