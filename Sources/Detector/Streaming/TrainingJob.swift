import VAE

/// One training run of one model slot, as a Sendable value: a copy of the slot's reservoir,
/// the group's configuration and the running model to warm-start from.
///
/// The detector never trains by itself. ``StreamingDetector/nextTrainingJob()`` hands a due job
/// to the caller, who calls ``run()`` on whatever thread it likes (the daemon: its training
/// thread; `anomalyd detect`: inline, before the next row, so nothing is learnt from the future)
/// and passes the result to ``StreamingDetector/install(_:)``. Given the same windows and seed,
/// `run()` returns the same model.
public struct TrainingJob: Sendable {
    /// The group's index in the detector.
    public let groupIndex: Int
    /// The model slot within the group (0 for a shared model).
    public let slotIndex: Int
    /// The group's configuration.
    public let configuration: GroupConfiguration
    /// Field names, in window column order.
    public let fields: [String]
    /// Raw windows (count, window × fields), oldest first; missing entries 0.
    public let windows: [Float]
    /// 1 observed, 0 missing, same shape.
    public let mask: [Float]
    /// For each window, an index into ``seriesKeys``.
    public let windowSeries: [Int32]
    /// For each window, the grid time of its newest step (its time context); empty: unknown
    /// (zero conditions).
    public var windowTimes: [Double] = []
    /// The keys of the series the windows come from.
    public let seriesKeys: [String]
    /// The series key of a per-series slot.
    public let series: String?
    /// The running model, for a warm start and the swap check; nil for the first training.
    public let warmStart: TrainedModel?
    /// The version the trained model takes.
    public let version: Int
    /// Stream time of the newest window.
    public let trainedAt: Double
    /// Windows the slot judged since its running model was installed: what a retraining has to
    /// learn (``TrainingSettings/retrainPasses``).
    public var newWindows = 0

    /// Number of windows.
    public var count: Int { windowSeries.count }

    /// Trains the model: fits each series' scaler on its windows, holds out
    /// `training.validation` of the windows (a seeded draw), trains `training.ensemble` VAEs on
    /// the rest, each from its own seed (from the running model's member of the same rank when
    /// there is one, for `training.retrain_epochs`), and calibrates each: the raw scores' robust
    /// scales on the held-out windows (``ScoreCalibration``), then the combined score's tail
    /// probabilities (``ScoreTail``). Allocates freely: this is not the hot path.
    public func run() throws -> TrainedModel {
        let config = configuration
        let F = fields.count, D = config.window * F, n = count
        guard n >= 2 else { throw VAEError.notEnoughData(n) }

        // 1. Per-series scalers on the series' own raw values.
        // A series with fewer windows than a window has steps (a shared model's latecomer) has
        // too little history for its extremes to mean anything: no range (RangeCheck).
        var scalerBySeries: [RobustScaler] = []
        for s in seriesKeys.indices {
            var rows: [Float] = []
            var windowCount = 0
            for w in 0..<n where windowSeries[w] == Int32(s) {
                for j in 0..<D { rows.append(mask[w * D + j] > 0 ? windows[w * D + j] : .nan) }
                windowCount += 1
            }
            var scaler = rows.isEmpty ? RobustScaler(fields: F) : RobustScaler(fitting: rows, fields: F)
            // Consecutive windows share all but one step: about windowCount + window − 1 distinct
            // observations (fewer when the reservoir skipped windows, so the count errs high, and
            // the range evidence with it, by at most ln(window)).
            scaler.rangeSampleSize = windowCount + config.window - 1
            scalerBySeries.append(windowCount >= config.window ? scaler : scaler.withoutRange())
        }

        // 2. Normalised, clipped training inputs.
        var inputs = [Float](repeating: 0, count: n * D)
        for w in 0..<n {
            let scaler = scalerBySeries[Int(windowSeries[w])]
            for j in 0..<D where mask[w * D + j] > 0 {
                inputs[w * D + j] = scaler.clipped(windows[w * D + j], field: j % F)
            }
        }

        // 3. A seeded hold-out split, shared by the members.
        var rng = SplitMix(seed: config.training.seed &+ UInt64(version))
        var order = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let heldOutCount = min(max(Int(Double(n) * config.training.validation), min(n / 2, 20)), n - 1)
        let heldOut = Array(order.prefix(heldOutCount)).sorted()
        let trainRows = Array(order.suffix(n - heldOutCount)).sorted()
        func gather(_ rows: [Int], _ source: [Float]) -> [Float] {
            var out = [Float](); out.reserveCapacity(rows.count * D)
            for r in rows { out += source[(r * D)..<((r + 1) * D)] }
            return out
        }

        // 4. Train the ensemble, member k from seed + k (warm-started from the running model's
        // member k when it has one), and 5. calibrate each member.
        let C = config.vae.conditions
        let vaeConfig = VAEConfig(inputSize: D, hidden: config.vae.hidden, latent: config.vae.latent,
                                  conditions: C, beta: Float(config.vae.beta))
        // Each window's time context (zeros where its time is unknown).
        let allConditions: [Float] = C == 0 ? [] : windowTimes.count == n
            ? TimeContext.conditions(times: windowTimes) : [Float](repeating: 0, count: n * C)
        // The windows as the stream normalises them (unclipped), for calibration.
        var streamInputs = [Float](repeating: 0, count: n * D)
        for w in 0..<n {
            let scaler = scalerBySeries[Int(windowSeries[w])]
            for j in 0..<D where mask[w * D + j] > 0 {
                let scaled = scaler.scaled(windows[w * D + j], field: j % F)
                streamInputs[w * D + j] = scaled.isFinite ? min(max(scaled, -1e6), 1e6) : 0
            }
        }
        // The swap check compares whole-window NLL per observed point, whatever the score covers,
        // on the held-out windows as trained on (clipped).
        let observed = heldOut.reduce(0.0) { sum, r in sum + Double(mask[(r * D)..<((r + 1) * D)].reduce(0, +)) }
        func conditionRows(_ rows: [Int]) -> [Float] {
            guard C > 0 else { return [] }
            var out = [Float](); out.reserveCapacity(rows.count * C)
            for r in rows { out += allConditions[(r * C)..<((r + 1) * C)] }
            return out
        }
        let heldOutTrainingInputs = gather(heldOut, inputs), heldOutMask = gather(heldOut, mask)
        let heldOutConditions = conditionRows(heldOut)
        func loss(_ model: VAEModel) -> Double {
            let nll = WindowScoring.score(Scorer(model: model, capacity: 256), inputs: heldOutTrainingInputs,
                                          mask: heldOutMask, conditions: heldOutConditions, windowSize: D, fields: F,
                                          recentSteps: 0).nll
            return nll.reduce(0.0) { $0 + Double($1) } / max(observed, 1)
        }
        let trainInputs = gather(trainRows, inputs), trainMaskBase = gather(trainRows, mask)
        let trainConditions = conditionRows(trainRows)
        let recentSteps = config.scoring.recentSteps
        var members: [TrainedModel.Member] = []
        var losses: [Double] = [], previousLosses: [Double] = []
        for k in 0..<max(config.training.ensemble, 1) {
            let seed = config.training.seed &+ UInt64(version) &+ UInt64(k) &* 0x9E37_79B9
            var settings = TrainingConfig()
            settings.epochs = config.training.epochs
            settings.batchSize = config.training.batch
            settings.learningRate = Float(config.training.learningRate)
            settings.weightDecay = Float(config.training.weightDecay)
            settings.validationFraction = Float(config.training.validation)
            settings.seed = seed
            let warm = warmStart.flatMap { k < $0.members.count ? $0.members[k].vae : nil }
            let start: VAEModel
            var rows = trainRows.count
            if let warm, warm.config == vaeConfig {
                start = warm
                settings.epochs = Self.retrainEpochs
                rows = min(trainRows.count, max(config.training.batch,
                                                config.training.retrainPasses * max(newWindows, 1) / Self.retrainEpochs))
                previousLosses.append(loss(warm))
            } else {
                start = try VAEModel(config: vaeConfig, seed: config.training.seed &+ UInt64(k) &* 0x9E37_79B9)
            }
            // When the score predicts the newest steps from their context, half of the training
            // windows hide those steps (input 0, out of the likelihood), so the encoder learns to
            // work without them; the other half teach the decoder to produce them.
            var trainMask = trainMaskBase
            if recentSteps > 0 {
                var draws = SplitMix(seed: seed)
                let first = max(D - recentSteps * F, 0)
                for r in 0..<trainRows.count where draws.next() & 1 == 0 {
                    for j in first..<D { trainMask[r * D + j] = 0 }
                }
            }
            let trainer = Trainer(model: start, settings: settings)
            if rows < trainRows.count {
                // A retraining's sample of the reservoir: its own seeded draw of `rows` windows.
                var draws = SplitMix(seed: seed ^ 0x5EED)
                var picked = Array(0..<trainRows.count)
                for i in 0..<rows { picked.swapAt(i, i + Int(draws.next() % UInt64(picked.count - i))) }
                let sample = picked.prefix(rows).sorted()
                var x = [Float](), m = [Float](), c = [Float]()
                x.reserveCapacity(rows * D)
                m.reserveCapacity(rows * D)
                for r in sample {
                    x += trainInputs[(r * D)..<((r + 1) * D)]
                    m += trainMask[(r * D)..<((r + 1) * D)]
                    if C > 0 { c += trainConditions[(r * C)..<((r + 1) * C)] }
                }
                _ = try trainer.fit(windows: x, mask: m, conditions: C > 0 ? c : nil)
            } else {
                _ = try trainer.fit(windows: trainInputs, mask: trainMask, conditions: C > 0 ? trainConditions : nil)
            }
            let vae = trainer.model
            // The robust scales of the raw scores on the held-out windows, the combined score's
            // tail on every window (ScoreTail says why), scored as the stream scores them.
            let scores = WindowScoring.score(Scorer(model: vae, capacity: 256), inputs: streamInputs, mask: mask,
                                             conditions: allConditions, windowSize: D, fields: F, recentSteps: recentSteps,
                                             samples: config.scoring.samples)
            let calibration = ScoreCalibration(
                reconstructionNLL: heldOut.map { Double(scores.nll[$0]) },
                latentDistance: heldOut.map { Double(scores.distance[$0]) },
                latentWeight: config.scoring.latentWeight)
            let scoreTail = ScoreTail(fitting: (0..<n).map {
                calibration.score(reconstructionNLL: Double(scores.nll[$0]), latentDistance: Double(scores.distance[$0]))
            })
            members.append(TrainedModel.Member(vae: vae, calibration: calibration, scoreTail: scoreTail))
            losses.append(loss(vae))
        }
        let validationLoss = losses.reduce(0, +) / Double(losses.count)
        // The running model's loss, over the members it had (nil when none warm-started).
        let previousLoss = previousLosses.isEmpty ? nil : previousLosses.reduce(0, +) / Double(previousLosses.count)

        var scalers: [String: RobustScaler] = [:]
        for (s, key) in seriesKeys.enumerated() { scalers[key] = scalerBySeries[s] }
        return TrainedModel(
            groupIndex: groupIndex, group: config.name, series: series, fields: fields, members: members,
            scalers: scalers,
            trainingWindows: n, trainedAt: trainedAt, version: version, configurationHash: config.modelHash,
            validationLoss: validationLoss, previousValidationLoss: previousLoss)
    }
}

extension TrainingJob {
    /// Epochs of a retraining, over its sample of the reservoir.
    static let retrainEpochs = 5
}

/// splitmix64: the hold-out draw's generator (the VAE's own generator is internal to it).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
