#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VAE

/// The raw scores of normalised windows, computed the same way when calibrating (``TrainingJob``)
/// and when scoring the stream (``StreamingDetector``).
///
/// With `recentSteps == 0` they are the VAE scorer's: the reconstruction NLL of the whole window
/// and the latent distance. With `recentSteps = k > 0` (`group.scoring.recent_steps`) the newest
/// k steps are hidden from the encoder (treated as missing, as in training's missing-point
/// injection) and the score is their Gaussian NLL under the reconstruction from the rest of the
/// window: "how unexpected are the new points given their context". An autoencoder that sees a
/// point can partly copy it back, so a jump at the newest step barely raises its own
/// reconstruction error; hidden, it must be predicted, and a jump scores as soon as it arrives.
/// The latent distance is then that of the context.
///
/// With `samples = L > 1` (`group.scoring.samples`) the reconstruction NLL, of the window or of
/// its newest steps, is averaged over L draws z = μ_z + σ_z ε (``VAE/Scorer/sampledNLL(_:count:encoderMask:scoredMask:samples:seed:into:)``)
/// instead of decoding μ_z alone; the draws come from ``samplingSeed`` and are the same for every
/// window and every call, so scores are reproducible and calibration (which scores the same
/// way) matches the stream. The latent distance is always that of μ_z.
///
/// The predicted σ of a hidden step is floored at ``predictionSigmaFloor``: on a stretch it has
/// learnt by heart (a flat or repetitive context) the decoder's σ collapses towards 0, and the NLL
/// of the next ordinary wobble reaches 10⁹ or more — noise scored as the worst event of the
/// series. Floored, a deviation is measured in units no finer than a tenth of the series' robust
/// scale (the normalisation unit).
public enum WindowScoring {
    /// The seed of the ε draws when `samples > 1`.
    public static let samplingSeed: UInt64 = 0x5A3D_1E5C_0FF1_CE42
    /// The least σ, in normalised units, a prediction of a hidden step is trusted to.
    public static let predictionSigmaFloor: Float = 0.1

    /// Scratch for `recentSteps > 0`: three (count, D) buffers.
    struct Scratch {
        var mean: UnsafeMutablePointer<Float>
        var sigma: UnsafeMutablePointer<Float>
        var hidden: UnsafeMutablePointer<Float>
    }

    /// x and mask are (count, D), conditions (count, ``TimeContext/count``) — read only when the
    /// model is time-conditioned; nll and distance will be (count).
    static func score(_ scorer: Scorer, _ x: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                      conditions: UnsafePointer<Float>?, count: Int,
                      windowSize D: Int, fields F: Int, recentSteps: Int, samples: Int = 1,
                      nll: UnsafeMutablePointer<Float>, distance: UnsafeMutablePointer<Float>, scratch: Scratch) {
        let conditions = scorer.model.config.conditions > 0 ? conditions : nil
        guard recentSteps > 0 else {
            scorer.score(x, count: count, mask: mask, conditions: conditions, nll: nll, latentDistance: distance)
            if samples > 1 {
                scorer.sampledNLL(x, count: count, encoderMask: mask, conditions: conditions, samples: samples,
                                  seed: samplingSeed, into: nll)
            }
            return
        }
        let first = max(D - recentSteps * F, 0)
        let h = scratch.hidden
        for b in 0..<count {
            for j in 0..<D { h[b * D + j] = j < first ? mask[b * D + j] : 0 }
        }
        scorer.score(x, count: count, mask: h, conditions: conditions, nll: nll, latentDistance: distance)
        if samples > 1 {
            // The newest steps' observed points, scored under z drawn from their context.
            let scored = scratch.sigma
            for b in 0..<count {
                for j in 0..<D { scored[b * D + j] = j < first ? 0 : mask[b * D + j] }
            }
            scorer.sampledNLL(x, count: count, encoderMask: h, scoredMask: scored, conditions: conditions, samples: samples,
                              seed: samplingSeed, into: nll)
            return
        }
        scorer.reconstruct(x, count: count, mask: h, conditions: conditions, pointNLL: nil, mean: scratch.mean,
                           sigma: scratch.sigma)
        let halfLog2Pi: Float = 0.918_938_5
        let sigmaFloor = predictionSigmaFloor
        for b in 0..<count {
            var sum: Float = 0
            for j in first..<D where mask[b * D + j] > 0 {
                let i = b * D + j
                let sigma = max(scratch.sigma[i], sigmaFloor)
                let z = (x[i] - scratch.mean[i]) / sigma
                sum += 0.5 * z * z + logf(sigma) + halfLog2Pi
            }
            nll[b] = sum
        }
    }

    /// The array form, for training jobs: inputs and mask are (count, D) normalised windows,
    /// conditions (count, ``TimeContext/count``) their time context (nil: zeros); returns the raw
    /// NLL and latent distance of each.
    public static func score(_ scorer: Scorer, inputs: [Float], mask: [Float], conditions: [Float]? = nil,
                             windowSize D: Int, fields F: Int, recentSteps: Int,
                             samples: Int = 1) -> (nll: [Float], distance: [Float]) {
        let count = inputs.count / D
        var nll = [Float](repeating: 0, count: count), distance = nll
        let size = recentSteps > 0 ? max(count * D, 1) : 1
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: 3 * size)
        buffer.initialize(repeating: 0, count: 3 * size)
        defer { buffer.deallocate() }
        let scratch = Scratch(mean: buffer, sigma: buffer + size, hidden: buffer + 2 * size)
        inputs.withUnsafeBufferPointer { x in
            mask.withUnsafeBufferPointer { m in
                nll.withUnsafeMutableBufferPointer { o in
                    distance.withUnsafeMutableBufferPointer { d in
                        let c = conditions ?? []
                        c.withUnsafeBufferPointer { c in
                            score(scorer, x.baseAddress!, mask: m.baseAddress!, conditions: c.baseAddress, count: count,
                                  windowSize: D, fields: F, recentSteps: recentSteps, samples: samples,
                                  nll: o.baseAddress!, distance: d.baseAddress!, scratch: scratch)
                        }
                    }
                }
            }
        }
        return (nll, distance)
    }
}
