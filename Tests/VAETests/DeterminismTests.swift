import Testing
@testable import VAE

@Suite struct DeterminismTests {
    static func train(seed: UInt64) throws -> (VAEModel, TrainingReport) {
        var settings = TrainingConfig()
        settings.epochs = 3
        settings.batchSize = 32
        settings.seed = seed
        let windows = Array(Trained.trainingWindows.prefix(300 * Trained.window))
        let trainer = try Trainer(config: Synthetic.smallConfig(window: Trained.window), settings: settings)
        let report = try trainer.fit(windows: windows)
        return (trainer.model, report)
    }

    @Test func twoRunsWithOneSeedAreBitForBitIdentical() throws {
        let (a, ra) = try Self.train(seed: 5)
        let (b, rb) = try Self.train(seed: 5)
        #expect(a.parameters.map(\.bitPattern) == b.parameters.map(\.bitPattern))
        #expect(a.latentStatistics == b.latentStatistics)
        #expect(ra == rb)
    }

    @Test func anotherSeedGivesAnotherModel() throws {
        let (a, _) = try Self.train(seed: 5)
        let (b, _) = try Self.train(seed: 6)
        #expect(a.parameters != b.parameters)
    }

    @Test func seededRandomIsReproducibleAndNormal() {
        var a = SeededRandom(seed: 1), b = SeededRandom(seed: 1)
        let xs = (0..<20_000).map { _ in a.normal() }
        #expect(xs == (0..<20_000).map { _ in b.normal() })
        let mean = xs.reduce(0, +) / Float(xs.count)
        let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(xs.count)
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
        var u = SeededRandom(seed: 2)
        #expect((0..<1000).allSatisfy { _ in let v = u.uniform(); return v >= 0 && v < 1 })
    }

    @Test func monteCarloScoresRepeatWithTheScorerSeed() {
        let model = Trained.result.model
        let x = Array(Trained.normalWindows.prefix(8 * Trained.window))
        func run() -> [Float] {
            let scorer = Scorer(model: model, capacity: 4, seed: 3)
            var out = [Float](repeating: 0, count: 8)
            scorer.reconstructionLogProbability(x, count: 8, samples: 4, into: &out)
            return out
        }
        #expect(run() == run())
    }
}
