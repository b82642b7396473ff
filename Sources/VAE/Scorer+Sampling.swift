#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The scorer's estimators that sample z: Donut's reconstruction probability, the importance-
/// weighted likelihood, and the latent space itself (encoding, KL, generation).
extension Scorer {
    /// x is (count, D). mean and std, if given, will be (count, L): μ_z and σ_z of q(z|x) —
    /// the window's coordinates in latent space.
    public func encode(_ x: UnsafePointer<Float>, count: Int, conditions: UnsafePointer<Float>? = nil,
                       mean: UnsafeMutablePointer<Float>?, std: UnsafeMutablePointer<Float>?) {
        let n = network, p = UnsafePointer(params.pointer)
        chunks(count, conditions: conditions) { start, B in
            n.encode(p, x + start * D, B)
            let h = n.encoderHead.pointer
            for b in 0..<B {
                if let mean { (mean + (start + b) * L).update(from: h + b * 2 * L, count: L) }
                if let std {
                    SoftplusStd.forward(std + (start + b) * L, h + b * 2 * L + L, model.config.epsilon, L)
                }
            }
        }
    }

    /// x is (count, D); out will be (count): KL(q(z|x) ‖ N(0, I)).
    public func klToPrior(_ x: UnsafePointer<Float>, count: Int, conditions: UnsafePointer<Float>? = nil,
                          into out: UnsafeMutablePointer<Float>) {
        let n = network, p = UnsafePointer(params.pointer)
        chunks(count, conditions: conditions) { start, B in
            n.encode(p, x + start * D, B)
            n.noise.zero()
            LatentGaussian.forward(z: n.z.pointer, sigma: n.sigmaZ.pointer, kl: out + start, head: n.encoderHead.pointer,
                                   noise: n.noise.pointer, epsilon: model.config.epsilon, B: B, L: L)
        }
    }

    /// Donut's reconstruction probability: out will be (count) with E_q(z|x)[log p(x|z)] over the
    /// observed points, estimated from `samples` z draws (higher is more normal). With
    /// `samples == 0` it decodes z = μ_z instead (the negated `score` NLL).
    public func reconstructionLogProbability(_ x: UnsafePointer<Float>, count: Int, mask: UnsafePointer<Float>? = nil,
                                             conditions: UnsafePointer<Float>? = nil,
                                             samples: Int, into out: UnsafeMutablePointer<Float>) {
        if samples <= 0 {
            score(x, count: count, mask: mask, conditions: conditions, nll: out, latentDistance: nil)
            for i in 0..<count { out[i] = -out[i] }
            return
        }
        let n = network, p = UnsafePointer(params.pointer)
        chunks(count, conditions: conditions) { start, B in
            let xs = input(x, mask, start, B), o = out + start
            n.encode(p, xs, B)
            for b in 0..<B { o[b] = 0 }
            for _ in 0..<samples {
                rng.fillNormal(n.noise.pointer, count: B * L)
                LatentGaussian.forward(z: n.z.pointer, sigma: n.sigmaZ.pointer, kl: nil, head: n.encoderHead.pointer,
                                       noise: n.noise.pointer, epsilon: model.config.epsilon, B: B, L: L)
                n.decode(p, n.z.pointer, B)
                n.decoderSigma(B)
                GaussianLikelihood.rowNLL(n.rowLoss.pointer, head: n.decoderHead.pointer, sigma: n.scratch.pointer,
                                          x: xs, mask: mask.map { $0 + start * D }, B: B, D: D)
                for b in 0..<B { o[b] -= n.rowLoss.pointer[b] / Float(samples) }
            }
        }
    }

    /// The reconstruction NLL averaged over `samples` z draws — the Monte Carlo form of
    /// `score`'s NLL (Donut's reconstruction probability, negated). x is (count, D); nll will be
    /// (count). The encoder sees x with the points of `encoderMask` that are 0 left out; the NLL
    /// counts the points where `scoredMask` (default: `encoderMask`) is 1, against x itself, so a
    /// caller can hide points from the encoder and score just those.
    ///
    /// z_s = μ_z + σ_z ε_s with ε_1…ε_samples drawn from `seed` afresh on every call and shared by
    /// every window (common random numbers): a window's score depends on the window alone, not
    /// on its batch, its position in it or on what was scored before, and two windows are
    /// compared under the same draws. `samples ≤ 1` is `score`'s NLL from z = μ_z.
    public func sampledNLL(_ x: UnsafePointer<Float>, count: Int, encoderMask: UnsafePointer<Float>?,
                           scoredMask: UnsafePointer<Float>? = nil, conditions: UnsafePointer<Float>? = nil,
                           samples: Int, seed: UInt64, into nll: UnsafeMutablePointer<Float>) {
        let scored = scoredMask ?? encoderMask
        guard samples > 1 else {
            let n = network, p = UnsafePointer(params.pointer)
            chunks(count, conditions: conditions) { start, B in
                let xs = input(x, encoderMask, start, B)
                decodeMean(p, xs, B)  // exactly `score`'s passes
                n.decoderSigma(B)
                GaussianLikelihood.rowNLL(nll + start, head: n.decoderHead.pointer, sigma: n.scratch.pointer,
                                          x: x + start * D, mask: scored.map { $0 + start * D }, B: B, D: D)
            }
            return
        }
        let n = network, p = UnsafePointer(params.pointer)
        chunks(count, conditions: conditions) { start, B in
            let xs = input(x, encoderMask, start, B), o = nll + start
            n.encode(p, xs, B)
            for b in 0..<B { o[b] = 0 }
            var draws = SeededRandom(seed: seed)  // the same ε_s in every chunk
            for _ in 0..<samples {
                draws.fillNormal(n.noise.pointer, count: L)
                for b in 1..<max(B, 1) { (n.noise.pointer + b * L).update(from: n.noise.pointer, count: L) }
                LatentGaussian.forward(z: n.z.pointer, sigma: n.sigmaZ.pointer, kl: nil, head: n.encoderHead.pointer,
                                       noise: n.noise.pointer, epsilon: model.config.epsilon, B: B, L: L)
                n.decode(p, n.z.pointer, B)
                n.decoderSigma(B)
                GaussianLikelihood.rowNLL(n.rowLoss.pointer, head: n.decoderHead.pointer, sigma: n.scratch.pointer,
                                          x: x + start * D, mask: scored.map { $0 + start * D }, B: B, D: D)
                for b in 0..<B { o[b] += n.rowLoss.pointer[b] / Float(samples) }
            }
        }
    }

    /// The importance-weighted estimate of log p(x) (Burda et al. 2016) with `samples` draws
    /// from q(z|x): log (1/k) Σ_k p(x|z_k) p(z_k) / q(z_k|x). out will be (count).
    public func importanceWeightedLogLikelihood(_ x: UnsafePointer<Float>, count: Int, mask: UnsafePointer<Float>? = nil,
                                                conditions: UnsafePointer<Float>? = nil,
                                                samples: Int, into out: UnsafeMutablePointer<Float>) {
        let k = max(samples, 1)
        let n = network, p = UnsafePointer(params.pointer)
        chunks(count, conditions: conditions) { start, B in
            let xs = input(x, mask, start, B)
            n.encode(p, xs, B)
            for b in 0..<B { runMax.pointer[b] = -.infinity; runSum.pointer[b] = 0 }
            for _ in 0..<k {
                rng.fillNormal(n.noise.pointer, count: B * L)
                LatentGaussian.forward(z: n.z.pointer, sigma: n.sigmaZ.pointer, kl: nil, head: n.encoderHead.pointer,
                                       noise: n.noise.pointer, epsilon: model.config.epsilon, B: B, L: L)
                n.decode(p, n.z.pointer, B)
                n.decoderSigma(B)
                GaussianLikelihood.rowNLL(n.rowLoss.pointer, head: n.decoderHead.pointer, sigma: n.scratch.pointer,
                                          x: xs, mask: mask.map { $0 + start * D }, B: B, D: D)
                for b in 0..<B {
                    // log p(z) − log q(z|x) = Σ_j (−½ z² + log σ + ½ ε²); the ½ log 2π terms cancel.
                    var w = -n.rowLoss.pointer[b]
                    for j in 0..<L {
                        let zj = n.z.pointer[b * L + j], e = n.noise.pointer[b * L + j]
                        w += -0.5 * zj * zj + logf(n.sigmaZ.pointer[b * L + j]) + 0.5 * e * e
                    }
                    // Streaming log-sum-exp.
                    let m = max(runMax.pointer[b], w)
                    runSum.pointer[b] = runSum.pointer[b] * expf(runMax.pointer[b] - m) + expf(w - m)
                    runMax.pointer[b] = m
                }
            }
            for b in 0..<B { out[start + b] = runMax.pointer[b] + logf(runSum.pointer[b]) - logf(Float(k)) }
        }
    }

    /// Generates `count` windows from the prior z ~ N(0, I), each under its row of `conditions`
    /// (count × conditions) for a conditional model. out will be (count, D): μ_x, or with
    /// `sampled`, x ~ N(μ_x, σ_x²). Uses the scorer's seeded generator.
    public func generate(count: Int, sampled: Bool = false, conditions: UnsafePointer<Float>? = nil,
                         into out: UnsafeMutablePointer<Float>) {
        let n = network, p = UnsafePointer(params.pointer)
        chunks(count, conditions: conditions) { start, B in
            rng.fillNormal(n.z.pointer, count: B * L)
            n.decode(p, n.z.pointer, B)
            for b in 0..<B {
                let h = n.decoderHead.pointer + b * 2 * D, o = out + (start + b) * D
                for j in 0..<D {
                    if sampled {
                        let s = FastMath.softplus(h[D + j]).value + model.config.epsilon
                        o[j] = h[j] + s * rng.normal()
                    } else {
                        o[j] = h[j]
                    }
                }
            }
        }
    }
}
