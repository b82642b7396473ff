import Detector
import Foundation
import Testing
import VAE

/// `group.scoring.samples` reaches the detector's scoring: 1 is the μ_z score, more average the
/// NLL over seeded z draws, the same on every call.
@Suite struct ScoringSamplesTests {
    private let D = 16, F = 1

    private func windows(_ count: Int) -> (inputs: [Float], mask: [Float]) {
        var rng = SeededRandom(seed: 3)
        var inputs: [Float] = []
        for w in 0..<count {
            for t in 0..<D { inputs.append(Float(sin(Double(w + t) / 3)) + 0.1 * Float(syntheticValue(t, rng: &rng) - 10)) }
        }
        var mask = [Float](repeating: 1, count: inputs.count)
        mask[5] = 0
        return (inputs, mask)
    }

    @Test(arguments: [0, 2])
    func samplesOneIsTheLatentMeanPathAndMoreAreDeterministic(recentSteps: Int) throws {
        let model = try VAEModel(config: VAEConfig(inputSize: D, hidden: [16], latent: 3), seed: 5)
        let (inputs, mask) = windows(12)
        func score(_ samples: Int?) -> (nll: [Float], distance: [Float]) {
            let scorer = Scorer(model: model, capacity: 8)
            if let samples {
                return WindowScoring.score(scorer, inputs: inputs, mask: mask, windowSize: D, fields: F,
                                           recentSteps: recentSteps, samples: samples)
            }
            return WindowScoring.score(scorer, inputs: inputs, mask: mask, windowSize: D, fields: F,
                                       recentSteps: recentSteps)
        }
        let plain = score(nil), one = score(1), eight = score(8)
        #expect(one.nll == plain.nll && one.distance == plain.distance)
        #expect(eight.nll != plain.nll)
        #expect(eight.distance == plain.distance)  // the latent distance is always μ_z's
        #expect(eight.nll.allSatisfy { $0.isFinite })
        #expect(score(8).nll == eight.nll)
    }

    /// The stream honours the setting: with 8 samples the scores differ from the μ_z scores of
    /// the same stream (same model: training does not depend on it) but stay close, and a second
    /// run reproduces them exactly.
    @Test func theStreamScoresWithTheConfiguredSamples() throws {
        var rng = SeededRandom(seed: 11)
        let values = (0..<900).map { syntheticValue($0, rng: &rng) }
        func run(samples: Int) throws -> [WindowResult] {
            var group = smallGroup()
            group.scoring.samples = samples
            let (detector, sink) = recordingDetector([group])
            try feed(detector, count: values.count) { values[$0] }
            return sink.results.filter { $0.modelVersion > 0 }
        }
        let one = try run(samples: 1), eight = try run(samples: 8), again = try run(samples: 8)
        #expect(one.count > 200 && one.count == eight.count)
        #expect(eight.map(\.score) == again.map(\.score))
        #expect(eight.map(\.score) != one.map(\.score))
        // Both are calibrated the same way, so a clean stream scores alike on either.
        let meanOne = one.map(\.score).reduce(0, +) / Double(one.count)
        let meanEight = eight.map(\.score).reduce(0, +) / Double(eight.count)
        #expect(abs(meanOne - meanEight) < 0.5 * max(abs(meanOne), 1), "\(meanOne) \(meanEight)")
    }
}
