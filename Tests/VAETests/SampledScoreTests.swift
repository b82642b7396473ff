import Testing
@testable import VAE

/// `group.scoring.samples`: the reconstruction NLL averaged over z draws.
@Suite struct SampledScoreTests {
    let model = Trained.result.model
    let x = Array(Trained.normalWindows.prefix(40 * Trained.window))
    var count: Int { x.count / Trained.window }

    private func sampled(_ scorer: Scorer, _ windows: [Float], samples: Int, seed: UInt64 = 9) -> [Float] {
        var out = [Float](repeating: 0, count: windows.count / Trained.window)
        windows.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer { o in
                scorer.sampledNLL(w.baseAddress!, count: o.count, encoderMask: nil, samples: samples, seed: seed,
                                  into: o.baseAddress!)
            }
        }
        return out
    }

    @Test func oneSampleIsTheNLLFromTheLatentMean() {
        let scorer = Scorer(model: model)
        #expect(sampled(scorer, x, samples: 1) == scorer.score(x).map(\.nll))
    }

    @Test func eightSamplesDifferButStayClose() {
        let scorer = Scorer(model: model)
        let mean = scorer.score(x).map(\.nll), eight = sampled(scorer, x, samples: 8)
        #expect(eight != mean)
        let averageMean = mean.reduce(0, +) / Float(count), averageEight = eight.reduce(0, +) / Float(count)
        // Sampling z around μ_z can only blur the reconstruction: on average no better, and on
        // normal windows of a trained model not much worse.
        #expect(averageEight >= averageMean - 0.5)
        #expect(abs(averageEight - averageMean) <= 0.25 * max(abs(averageMean), 20), "\(averageMean) \(averageEight)")
        // And the ranking of windows is mostly kept.
        let spiked = { () -> [Float] in var w = Array(x.prefix(Trained.window)); w[10] += 6; return w }()
        #expect(sampled(scorer, spiked, samples: 8)[0] > eight.max()!)
    }

    @Test func sampledScoresAreDeterministicAndIndependentOfTheBatch() {
        let first = sampled(Scorer(model: model, seed: 1), x, samples: 8)
        let scorer = Scorer(model: model, seed: 2)
        _ = sampled(scorer, x, samples: 3)  // whatever was scored before
        #expect(sampled(scorer, x, samples: 8) == first)
        // A window alone, or in chunks of 16, scores as it does inside the whole batch.
        let chunked = sampled(Scorer(model: model, capacity: 16), x, samples: 8)
        let alone = sampled(Scorer(model: model, capacity: 1), Array(x[(7 * Trained.window)..<(8 * Trained.window)]),
                            samples: 8)
        for i in 0..<count { #expect(abs(chunked[i] - first[i]) <= 1e-3 * max(1, abs(first[i]))) }
        #expect(abs(alone[0] - first[7]) <= 1e-3 * max(1, abs(first[7])))
        // Another seed draws other ε.
        #expect(sampled(Scorer(model: model), x, samples: 8, seed: 10) != first)
    }
}
