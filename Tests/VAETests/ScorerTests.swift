#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import VAE

@Suite struct ScorerTests {
    let model = Trained.result.model
    let x = Array(Trained.normalWindows.prefix(40 * Trained.window))
    var count: Int { x.count / Trained.window }

    @Test func emptyBatchesScoreToNothing() {
        #expect(Scorer(model: model).score([]).isEmpty)
    }

    @Test func batchesAndChunksAgreeWithSingleWindows() {
        let batch = Scorer(model: model, capacity: 16).score(x)      // three chunks
        let single = Scorer(model: model, capacity: 1)
        for i in 0..<count {
            let s = single.score(Array(x[(i * Trained.window)..<((i + 1) * Trained.window)]))[0]
            #expect(abs(s.nll - batch[i].nll) <= 1e-3 * max(1, abs(s.nll)))
            #expect(abs(s.latentDistance - batch[i].latentDistance) <= 1e-3 * max(1, s.latentDistance))
        }
    }

    @Test func pointNLLSumsToTheWindowNLLAndMasksExcludePoints() {
        let scorer = Scorer(model: model)
        let D = Trained.window
        var points = [Float](repeating: 0, count: x.count), mean = points, sigma = points
        scorer.reconstruct(x, count: count, pointNLL: &points, mean: &mean, sigma: &sigma)
        let windows = scorer.score(x)
        for i in 0..<count {
            let sum = points[(i * D)..<((i + 1) * D)].reduce(0, +)
            #expect(abs(sum - windows[i].nll) < 1e-3 * max(1, abs(sum)))
        }
        #expect(sigma.allSatisfy { $0 > 0 } && mean.allSatisfy { $0.isFinite })
        // A spike hidden by the mask does not raise the score.
        var spiked = Array(x.prefix(D)); spiked[5] += 5
        var mask = [Float](repeating: 1, count: D); mask[5] = 0
        let clean = scorer.score(Array(x.prefix(D)), mask: mask)[0].nll
        #expect(scorer.score(spiked, mask: mask)[0].nll == clean)
        #expect(scorer.score(spiked)[0].nll > clean + 50)
    }

    @Test func fieldContributionsPointAtTheAnomalousField() throws {
        // Two fields, time × field: field 0 seasonal, field 1 its negation.
        let series = Synthetic.series(length: 1400, seed: 4)
        let w = 12
        var windows: [Float] = []
        for start in stride(from: 0, to: series.count - w, by: 2) {
            for t in 0..<w { windows += [series[start + t], -series[start + t]] }
        }
        var settings = Trained.settings
        settings.epochs = 8
        let trainer = try Trainer(config: Synthetic.smallConfig(window: 2 * w), settings: settings)
        _ = try trainer.fit(windows: windows)
        let scorer = Scorer(model: trainer.model)
        var anomalous = Array(windows.prefix(2 * w))
        anomalous[2 * 6 + 1] += 4                               // field 1 at t = 6
        var contributions = [Float](repeating: 0, count: 2)
        scorer.fieldContributions(anomalous, count: 1, fields: 2, into: &contributions)
        #expect(contributions[1] > 0.8, "\(contributions)")
        #expect(abs(contributions[0] + contributions[1] - 1) < 1e-5)
    }

    @Test func encodeKLAndReconstructionProbabilityAreConsistent() {
        let scorer = Scorer(model: model, seed: 1)
        let L = model.config.latent
        var mean = [Float](repeating: 0, count: count * L), std = mean
        scorer.encode(x, count: count, mean: &mean, std: &std)
        #expect(std.allSatisfy { $0 >= model.config.epsilon })
        var kl = [Float](repeating: 0, count: count)
        scorer.klToPrior(x, count: count, into: &kl)
        for i in 0..<count {
            var expected: Float = 0
            for j in 0..<L {
                let m = mean[i * L + j], s = std[i * L + j]
                expected += -logf(s) + 0.5 * (s * s + m * m) - 0.5
            }
            #expect(abs(kl[i] - expected) < 1e-3 * max(1, expected))
            #expect(kl[i] >= 0)
        }
        var fromMean = [Float](repeating: 0, count: count)
        scorer.reconstructionLogProbability(x, count: count, samples: 0, into: &fromMean)
        #expect(zip(fromMean, scorer.score(x)).allSatisfy { $0 == -$1.nll })
        var sampled = [Float](repeating: 0, count: count)
        scorer.reconstructionLogProbability(x, count: count, samples: 16, into: &sampled)
        #expect(sampled.allSatisfy { $0.isFinite })
        // The importance-weighted bound is tighter than the ELBO: on average above E_q[log p(x|z)] − KL.
        var iw = [Float](repeating: 0, count: count)
        scorer.importanceWeightedLogLikelihood(x, count: count, samples: 32, into: &iw)
        let elbo = zip(sampled, kl).map { $0 - $1 }.reduce(0, +) / Float(count)
        #expect(iw.reduce(0, +) / Float(count) > elbo - 0.5)
    }

    @Test func generatedWindowsLookLikeTrainingData() {
        let scorer = Scorer(model: model, seed: 2)
        let n = 64, D = Trained.window
        var means = [Float](repeating: 0, count: n * D), samples = means
        scorer.generate(count: n, into: &means)
        scorer.generate(count: n, sampled: true, into: &samples)
        #expect(means.allSatisfy { $0.isFinite } && samples.allSatisfy { $0.isFinite })
        #expect(means != samples)
        // Seasonal windows swing between about −1.3 and 1.3; generated means mostly stay in that range.
        #expect(means.filter { abs($0) < 2 }.count >= means.count * 95 / 100)
        let normal = Scorer(model: model).score(Trained.normalWindows).map(\.nll).sorted()
        let generated = Scorer(model: model).score(means).map(\.nll).sorted()
        #expect(generated[n / 2] < normal[normal.count * 99 / 100] + 50)
    }
}

@Suite struct NumericsTests {
    @Test func fastMathMatchesLibm() {
        var worstExp: Float = 0, worstLog: Float = 0
        var s: Float = -80
        while s <= 0 {
            worstExp = max(worstExp, abs(FastMath.exp(s) - expf(s)) / expf(s))
            s += 0.013
        }
        var x: Float = 1e-6
        while x < 1e6 {
            worstLog = max(worstLog, abs(FastMath.log(x) - logf(x)) / max(1, abs(logf(x))))
            x *= 1.0137
        }
        #expect(worstExp < 1e-6 && worstLog < 1e-6, "exp \(worstExp), log \(worstLog)")
        // The eight-lane forms agree with the scalar ones.
        let v = FloatV(-3, -0.5, 0, 0.1, 1, 2.5, 17, -40)
        let (value, sigmoid) = FastMath.softplus(v)
        for i in 0..<FloatV.scalarCount {
            let (sv, ss) = FastMath.softplus(v[i])
            #expect(abs(value[i] - sv) <= 1e-6 * max(1, sv) && abs(sigmoid[i] - ss) <= 1e-6)
        }
    }

    @Test func whiteningInvertsTheCovariance() {
        let cov: [Float] = [4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2]
        let stats = LatentStatistics(mean: [1, 2, 3], covariance: cov, count: 10, ridge: 0)
        let w = stats.whitening()
        // W Σ Wᵀ = I.
        for i in 0..<3 {
            for j in 0..<3 {
                var v: Float = 0
                for a in 0..<3 { for b in 0..<3 { v += w[i * 3 + a] * cov[a * 3 + b] * w[j * 3 + b] } }
                #expect(abs(v - (i == j ? 1 : 0)) < 1e-5)
            }
        }
        // A singular covariance stays invertible through the ridge.
        let singular = LatentStatistics(mean: [0, 0], covariance: [1, 1, 1, 1], count: 5, ridge: 0)
        #expect(singular.whitening().allSatisfy { $0.isFinite })
    }
}
