import Testing
@testable import VAE

/// A model trained once on synthetic seasonal data, shared by the tests that need one.
enum Trained {
    static let window = 24

    static let settings: TrainingConfig = {
        var s = TrainingConfig()
        s.epochs = 20
        s.batchSize = 64
        s.learningRate = 3e-3
        s.patience = 4
        s.seed = 7
        return s
    }()

    static let trainingWindows = Synthetic.windows(Synthetic.series(length: 2400, seed: 1), window: window, stride: 2)

    /// (model, report), trained once per test process.
    static let result: (model: VAEModel, report: TrainingReport) = {
        let trainer = try! Trainer(config: Synthetic.smallConfig(window: window), settings: settings)
        let report = try! trainer.fit(windows: trainingWindows)
        return (trainer.model, report)
    }()

    /// Normal windows from a series the model has not seen.
    static let normalWindows = Synthetic.windows(Synthetic.series(length: 600, seed: 99), window: window, stride: 3)
}

@Suite struct TrainingTests {
    @Test func validationLossFallsWellBelowItsStart() {
        let report = Trained.result.report
        #expect(report.trainingWindows > 0 && report.validationWindows > 0)
        let first = report.validationLoss.first!, best = report.bestLoss
        // Untrained, a window of 24 points costs tens of nats; trained, the noise floor is negative.
        #expect(best < first - 30, "validation loss \(first) → \(best)")
        #expect(report.validationLoss.allSatisfy { $0.isFinite })
        #expect(Trained.result.model.latentStatistics?.count == Trained.trainingWindows.count / Trained.window)
    }

    @Test func injectedAnomaliesScoreFarAboveNormalWindows() {
        let scorer = Scorer(model: Trained.result.model, capacity: 64)
        let normal = nlls(scorer, Trained.normalWindows).sorted()
        let p99 = normal[normal.count * 99 / 100], median = normal[normal.count / 2]
        let margin = max(10, p99 - median)
        let w = Trained.window
        var spike = Array(Trained.normalWindows[0..<w]); spike[w / 2] += 3
        var shift = Array(Trained.normalWindows[w..<(2 * w)]); for t in (w / 2)..<w { shift[t] += 1.5 }
        let flat = [Float](repeating: Trained.normalWindows[2 * w], count: w)
        for (name, window) in [("spike", spike), ("level shift", shift), ("flat line", flat)] {
            let s = scorer.score(window)[0]
            #expect(s.nll > p99 + margin, "\(name): \(s.nll) vs normal p99 \(p99), margin \(margin)")
        }
        // The latent distance of normal windows is moderate (their μ_z follows the fitted statistics).
        let distances = scorer.score(Trained.normalWindows).map(\.latentDistance).sorted()
        #expect(distances[distances.count / 2] < 5)
    }

    @Test func warmStartContinuesFromTheGivenParameters() throws {
        var settings = Trained.settings
        settings.epochs = 1
        let warm = Trainer(model: Trained.result.model, settings: settings)
        let cold = try Trainer(config: Synthetic.smallConfig(window: Trained.window), settings: settings)
        let warmReport = try warm.fit(windows: Trained.trainingWindows)
        let coldReport = try cold.fit(windows: Trained.trainingWindows)
        #expect(warmReport.trainingLoss[0] < coldReport.trainingLoss[0] - 20)
    }

    @Test func trainsWithMasksWarmUpL2AndNoValidation() throws {
        var settings = Trained.settings
        settings.epochs = 3
        settings.klWarmupEpochs = 2
        settings.decoupledWeightDecay = false
        settings.validationFraction = 0
        settings.missingInjectionRate = 0.05
        settings.learningRateDecay = 0.9
        let windows = Array(Trained.trainingWindows.prefix(200 * Trained.window))
        var mask = [Float](repeating: 1, count: windows.count)
        for i in stride(from: 5, to: mask.count, by: 17) { mask[i] = 0 }
        var holes = windows
        for i in mask.indices where mask[i] == 0 { holes[i] = .nan }   // missing values may be NaN
        let trainer = try Trainer(config: Synthetic.smallConfig(window: Trained.window), settings: settings)
        let report = try trainer.fit(windows: holes, mask: mask)
        #expect(report.validationLoss.isEmpty && report.trainingLoss.count == 3)
        #expect(report.trainingLoss.allSatisfy { $0.isFinite })
        #expect(report.trainingLoss.last! < report.trainingLoss.first!)
        #expect(trainer.model.parameters.allSatisfy { $0.isFinite })
    }

    @Test func rejectsMalformedInput() throws {
        let trainer = try Trainer(config: Synthetic.smallConfig(window: 4))
        #expect(throws: VAEError.self) { _ = try trainer.fit(windows: [1, 2, 3]) }
        #expect(throws: VAEError.self) { _ = try trainer.fit(windows: [1, 2, 3, 4]) }
        #expect(throws: VAEError.self) { _ = try trainer.fit(windows: [Float](repeating: 0, count: 8), mask: [1]) }
        #expect(throws: VAEError.self) { _ = try VAEModel(config: VAEConfig(inputSize: 0)) }
    }
}

/// A conditional VAE learns what its conditions say: windows of noise whose hidden last point is
/// +2 or −2 as the condition is +1 or −1 can only be predicted with the condition, and are.
@Suite struct ConditionalTrainingTests {
    @Test func theConditionPredictsWhatTheWindowCannot() throws {
        let D = 8, n = 1200
        var rng = SeededRandom(seed: 5)
        var windows = [Float](), conditions = [Float]()
        for i in 0..<n {
            let c: Float = i % 2 == 0 ? 1 : -1
            for j in 0..<D { windows.append(j == D - 1 ? 2 * c + 0.1 * rng.normal() : 0.3 * rng.normal()) }
            conditions.append(c)
        }
        var settings = TrainingConfig()
        settings.epochs = 30
        settings.batchSize = 64
        settings.learningRate = 3e-3
        settings.seed = 3
        // The last point hidden from the encoder (mask 0 in its input) but scored.
        var encoderMask = [Float](repeating: 1, count: n * D)
        for i in 0..<n { encoderMask[i * D + D - 1] = 0 }
        func lastPointNLL(_ config: VAEConfig, conditions c: [Float]?) throws -> Float {
            let trainer = try Trainer(config: config, settings: settings)
            // Half the windows hide the last point in training too, as the detector trains.
            var trainMask = [Float](repeating: 1, count: n * D)
            for i in stride(from: 0, to: n, by: 4) { trainMask[i * D + D - 1] = 0 }
            _ = try trainer.fit(windows: windows, mask: trainMask, conditions: c)
            let scorer = Scorer(model: trainer.model, capacity: 128)
            var scored = [Float](repeating: 0, count: n * D)
            for i in 0..<n { scored[i * D + D - 1] = 1 }
            var nll = [Float](repeating: 0, count: n)
            let cs = c ?? []
            windows.withUnsafeBufferPointer { x in
                encoderMask.withUnsafeBufferPointer { e in
                    scored.withUnsafeBufferPointer { s in
                        cs.withUnsafeBufferPointer { cp in
                            nll.withUnsafeMutableBufferPointer { o in
                                scorer.sampledNLL(x.baseAddress!, count: n, encoderMask: e.baseAddress!, scoredMask: s.baseAddress!,
                                                  conditions: c == nil ? nil : cp.baseAddress, samples: 1, seed: 1,
                                                  into: o.baseAddress!)
                            }
                        }
                    }
                }
            }
            return nll.reduce(0, +) / Float(n)
        }
        let plain = try lastPointNLL(VAEConfig(inputSize: D, hidden: [32], latent: 2), conditions: nil)
        let conditional = try lastPointNLL(VAEConfig(inputSize: D, hidden: [32], latent: 2, conditions: 1),
                                           conditions: conditions)
        // Without the condition the hidden point is ±2 at random: about ln(2·2)+½ nats at best;
        // with it, it is known to within its noise (σ 0.1: about −1.4 nats).
        #expect(plain > 0.5, "plain \(plain)")
        #expect(conditional < plain - 1.5, "conditional \(conditional) vs plain \(plain)")
    }
}
