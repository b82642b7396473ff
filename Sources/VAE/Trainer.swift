/// How a `Trainer` fits a model. The defaults serve a new user: Donut's settings where Donut has
/// one, conservative ones elsewhere.
public struct TrainingConfig: Sendable, Equatable {
    /// Passes over the training windows (an upper bound with early stopping).
    public var epochs = 50
    /// Windows per mini-batch.
    public var batchSize = 256
    /// Adam's initial step size.
    public var learningRate: Float = 1e-3
    /// The learning rate is multiplied by this after every epoch (Donut: 0.75 every 10 epochs ≈ 0.97).
    public var learningRateDecay: Float = 0.97
    /// Weight decay λ on weight matrices (not biases).
    public var weightDecay: Float = 1e-4
    /// true: decoupled decay (AdamW); false: L2 penalty λ/2‖W‖² added to the loss's gradient.
    public var decoupledWeightDecay = true
    /// Gradient-norm clip (Donut: 10); nil disables clipping.
    public var gradientClipNorm: Float? = 10
    /// Fraction of the windows held out for validation and early stopping (0 disables both).
    public var validationFraction: Float = 0.1
    /// Stop after this many epochs without a better validation loss; the best parameters are restored.
    public var patience = 5
    /// The KL weight rises linearly from 1/n to 1 over the first n epochs (0: no warm-up).
    public var klWarmupEpochs = 0
    /// Fraction of observed points hidden (input 0, mask 0) in every training batch (Donut: 0.01).
    public var missingInjectionRate: Float = 0.01
    /// Adam's moment decay rates and denominator floor.
    public var beta1: Float = 0.9, beta2: Float = 0.999, adamEpsilon: Float = 1e-8
    /// Ridge added to the latent covariance before inversion.
    public var latentRidge: Float = 1e-3
    /// Seeds the shuffles, the missing-point injection and the z samples: one seed, one result.
    public var seed: UInt64 = 42

    /// The defaults above.
    public init() {}
}

/// What happened during `Trainer.fit`.
public struct TrainingReport: Sendable, Equatable {
    /// Mean training loss (negative M-ELBO per window) of each epoch.
    public var trainingLoss: [Float] = []
    /// Validation loss after each epoch (empty without a validation split).
    public var validationLoss: [Float] = []
    /// The epoch (0-based) whose parameters were kept.
    public var bestEpoch = 0
    /// The validation (or, without one, training) loss of the kept parameters.
    public var bestLoss: Float = .infinity
    /// Whether patience ran out before `epochs`.
    public var stoppedEarly = false
    /// Windows used for training and for validation.
    public var trainingWindows = 0, validationWindows = 0
}

/// Trains a Gaussian VAE on flattened windows with shuffled mini-batches, the M-ELBO, missing-data
/// injection, Adam/AdamW, learning-rate decay, clipping and early stopping. Starting from an
/// existing `VAEModel` is a warm start. Not thread-safe: one trainer per thread.
public final class Trainer {
    /// The architecture being trained.
    public let config: VAEConfig
    /// The training settings; may be changed between `fit` calls.
    public var settings: TrainingConfig

    let network: VAENetwork
    let params: FloatBuffer
    let grads: FloatBuffer
    let best: FloatBuffer
    let batchX: FloatBuffer
    let batchMask: FloatBuffer
    let batchConditions: FloatBuffer
    var adam: Adam
    var rng: SeededRandom
    var latentStatistics: LatentStatistics?
    /// The conditions (N × C) of the windows being fitted, while `fit` runs.
    private var conditions: [Float]?

    /// A trainer starting from `model`'s parameters (a fresh `VAEModel(config:seed:)` or a warm start).
    public init(model: VAEModel, settings: TrainingConfig = TrainingConfig()) {
        config = model.config
        self.settings = settings
        let capacity = max(settings.batchSize, 1)
        network = VAENetwork(config: model.config, capacity: capacity, training: true)
        let n = network.layout.count
        params = FloatBuffer(count: n)
        params.copy(from: model.parameters)
        grads = FloatBuffer(count: n)
        best = FloatBuffer(count: n)
        batchX = FloatBuffer(count: capacity * config.inputSize)
        batchMask = FloatBuffer(count: capacity * config.inputSize)
        batchConditions = FloatBuffer(count: capacity * config.conditions)
        adam = Adam(count: n, weightRanges: network.layout.weightRanges)
        rng = SeededRandom(seed: settings.seed)
        latentStatistics = model.latentStatistics
        configureAdam()
    }

    /// A trainer for a freshly initialised model (weights drawn from `settings.seed`).
    public convenience init(config: VAEConfig, settings: TrainingConfig = TrainingConfig()) throws {
        self.init(model: try VAEModel(config: config, seed: settings.seed), settings: settings)
    }

    private func configureAdam() {
        adam.beta1 = settings.beta1; adam.beta2 = settings.beta2; adam.epsilon = settings.adamEpsilon
        adam.weightDecay = settings.weightDecay; adam.decoupled = settings.decoupledWeightDecay
        adam.clipNorm = settings.gradientClipNorm
    }

    /// The current parameters with the latent statistics of the last `fit`.
    public var model: VAEModel {
        // The layout matches by construction, so this cannot throw.
        try! VAEModel(config: config, parameters: params.array, latentStatistics: latentStatistics)
    }

    /// One optimisation step on `count` ≤ batchSize windows x (count, D) with optional mask
    /// (count, D) and, for a conditional model, conditions (count, C; nil: zeros): samples z once,
    /// computes the M-ELBO and its gradient, and updates with Adam. Returns the batch loss. No
    /// allocation.
    @discardableResult
    public func step(_ x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, conditions: UnsafePointer<Float>? = nil,
                     count: Int, learningRate: Float? = nil, klScale: Float = 1) -> Float {
        precondition(count > 0 && count <= network.capacity, "batch of \(count) exceeds the trainer's \(network.capacity)")
        network.condition = conditions
        defer { network.condition = nil }
        rng.fillNormal(network.noise.pointer, count: count * config.latent)
        grads.zero()
        let loss = network.lossAndGradient(grads.pointer, params.pointer, x, mask, count, klScale: klScale)
        adam.step(params.pointer, grads.pointer, network.layout.count, lr: learningRate ?? settings.learningRate)
        return loss
    }

    /// Trains on `windows` (N × D, row-major) with an optional mask of the same shape
    /// (1 observed, 0 missing; missing inputs are treated as 0) and, for a conditional model, the
    /// windows' conditions (N × C; nil: zeros), and fits the latent statistics.
    public func fit(windows: [Float], mask: [Float]? = nil, conditions: [Float]? = nil) throws -> TrainingReport {
        let D = config.inputSize
        guard windows.count % D == 0 else { throw VAEError.sizeMismatch(expected: D, found: windows.count % D) }
        if let mask, mask.count != windows.count {
            throw VAEError.sizeMismatch(expected: windows.count, found: mask.count)
        }
        let n = windows.count / D
        if let conditions, conditions.count != n * config.conditions {
            throw VAEError.sizeMismatch(expected: n * config.conditions, found: conditions.count)
        }
        self.conditions = config.conditions > 0 ? conditions : nil
        defer { self.conditions = nil }
        guard n >= 2 else { throw VAEError.notEnoughData(n) }
        configureAdam()
        adam.reset()   // every fit is a new run; a warm start keeps the parameters, not the moments
        rng = SeededRandom(seed: settings.seed)
        var order = Array(0..<n)
        order.shuffle(using: &rng)
        var validationCount = Int(Float(n) * max(0, min(settings.validationFraction, 0.9)))
        if validationCount > 0 && n - validationCount < 1 { validationCount = 0 }
        let validation = Array(order.suffix(validationCount))
        var train = Array(order.prefix(n - validationCount))
        var report = TrainingReport()
        report.trainingWindows = train.count
        report.validationWindows = validation.count
        var sinceBest = 0
        var lr = settings.learningRate
        for epoch in 0..<settings.epochs {
            train.shuffle(using: &rng)
            let klScale = settings.klWarmupEpochs > 0 ? min(1, Float(epoch + 1) / Float(settings.klWarmupEpochs)) : 1
            var total: Double = 0
            var start = 0
            while start < train.count {
                let count = min(network.capacity, train.count - start)
                gather(train[start..<(start + count)], windows, mask, inject: settings.missingInjectionRate)
                let loss = step(batchX.pointer, mask: batchMask.pointer, conditions: batchConditionsIfAny, count: count,
                                learningRate: lr, klScale: klScale)
                total += Double(loss) * Double(count)
                start += count
            }
            let trainLoss = Float(total / Double(train.count))
            report.trainingLoss.append(trainLoss)
            var epochLoss = trainLoss
            if !validation.isEmpty {
                epochLoss = evaluate(validation, windows, mask)
                report.validationLoss.append(epochLoss)
            }
            if epochLoss < report.bestLoss || !report.bestLoss.isFinite {
                report.bestLoss = epochLoss
                report.bestEpoch = epoch
                best.pointer.update(from: params.pointer, count: params.count)
                sinceBest = 0
            } else {
                sinceBest += 1
                if sinceBest >= settings.patience && !validation.isEmpty {
                    report.stoppedEarly = true
                    break
                }
            }
            lr *= settings.learningRateDecay
        }
        params.pointer.update(from: best.pointer, count: params.count)
        latentStatistics = fitLatentStatistics(windows, n)
        return report
    }

    /// Copies the rows `rows` into batchX / batchMask, zeroing missing inputs and hiding a random
    /// `inject` fraction of the observed ones.
    private func gather(_ rows: ArraySlice<Int>, _ windows: [Float], _ mask: [Float]?, inject: Float) {
        let D = config.inputSize, C = config.conditions
        if let conditions {
            for (k, row) in rows.enumerated() {
                for j in 0..<C { batchConditions.pointer[k * C + j] = conditions[row * C + j] }
            }
        }
        windows.withUnsafeBufferPointer { w in
            for (k, row) in rows.enumerated() {
                let dst = batchX.pointer + k * D, m = batchMask.pointer + k * D
                dst.update(from: w.baseAddress! + row * D, count: D)
                if let mask {
                    for j in 0..<D { m[j] = mask[row * D + j] > 0 ? 1 : 0 }
                } else {
                    m.update(repeating: 1, count: D)
                }
                for j in 0..<D {
                    if inject > 0 && rng.uniform() < inject { m[j] = 0 }
                    if m[j] == 0 || !dst[j].isFinite { dst[j] = 0; m[j] = 0 }
                }
            }
        }
    }

    /// Mean loss over `rows` with no injection and noise from a fixed seed, so epochs compare fairly.
    private func evaluate(_ rows: [Int], _ windows: [Float], _ mask: [Float]?) -> Float {
        var noiseRNG = SeededRandom(seed: settings.seed ^ 0x5EED_0F_7A11)
        var total: Double = 0
        var start = 0
        while start < rows.count {
            let count = min(network.capacity, rows.count - start)
            gather(rows[start..<(start + count)], windows, mask, inject: 0)
            noiseRNG.fillNormal(network.noise.pointer, count: count * config.latent)
            network.condition = batchConditionsIfAny
            total += Double(network.loss(params.pointer, batchX.pointer, batchMask.pointer, count)) * Double(count)
            start += count
        }
        return Float(total / Double(rows.count))
    }

    /// The gathered batch's conditions while fitting a conditional model, else nil (zeros).
    private var batchConditionsIfAny: UnsafePointer<Float>? {
        conditions == nil ? nil : UnsafePointer(batchConditions.pointer)
    }

    /// Mean and covariance of μ_z over all `n` windows.
    private func fitLatentStatistics(_ windows: [Float], _ n: Int) -> LatentStatistics {
        let L = config.latent
        var mu = [Float](repeating: 0, count: n * L)
        var start = 0
        let all = Array(0..<n)
        mu.withUnsafeMutableBufferPointer { out in
            while start < n {
                let count = min(network.capacity, n - start)
                gather(all[start..<(start + count)], windows, nil, inject: 0)
                network.condition = batchConditionsIfAny
                network.encode(params.pointer, batchX.pointer, count, meanOnly: out.baseAddress! + start * L)
                start += count
            }
        }
        return mu.withUnsafeBufferPointer {
            LatentStatistics.fit($0.baseAddress!, count: n, latent: L, ridge: settings.latentRidge)
        }
    }
}
