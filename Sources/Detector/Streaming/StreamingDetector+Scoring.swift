import VAE

/// Scoring a group's batch: normalise, score per model slot in one batch, calibrate, threshold,
/// alert, and feed the reservoir.
extension StreamingDetector {
    /// Scores `group`'s queued windows: handed to the ``scoringExecutor`` when there is one (and
    /// they are all of one slot) unless `inline`, else on this thread after the batch in flight.
    func flush(_ group: ModelGroup, inline: Bool = false) {
        let n = group.filling.count
        guard n > 0 else { return }
        if !inline, let executor = scoringExecutor, let slot = onlySlot(of: group.filling, in: group),
           !slot.scorers.isEmpty {
            pipeline(group, slot: slot, scorers: slot.scorers, executor: executor)
            return
        }
        finishScoring()  // scores reach the sink in order
        swap(&group.batch, &group.filling)
        let batch = group.batch
        for i in 0..<n { batch.pending[i] = true }
        // Windows of one slot are scored together; a shared group has one slot, so one batch.
        var first = 0
        while first < n {
            guard batch.pending[first] else { first += 1; continue }
            let slotIndex = states[batch.series[first]].slot
            var count = 0
            for i in first..<n where batch.pending[i] && states[batch.series[i]].slot == slotIndex {
                batch.rows[count] = i
                batch.pending[i] = false
                count += 1
            }
            let slot = group.slots[slotIndex]
            if !slot.scorers.isEmpty {
                normalize(group, batch, count: count)
                ScoringWork(group: group, batch: batch, scorers: slot.scorers, count: count, observer: scoringObserver).run()
            }
            applyScores(group, batch, slot: slot, count: count)
        }
        batch.count = 0
    }

    /// The two-core pipeline: `group.filling` is normalised while the batch in flight (if any) is
    /// still being scored, handed to the executor as soon as that one is done, and the scores of
    /// that one are judged while this one is scored. So the executor's thread waits only when
    /// this one is slower, and this one only when the VAE is.
    private func pipeline(_ group: ModelGroup, slot: ModelSlot, scorers: [Scorer], executor: any ScoringExecutor) {
        let next = group.filling, n = next.count
        for k in 0..<n { next.rows[k] = k }
        normalize(group, next, count: n)
        let previous = inFlight
        if previous != nil { executor.wait() }
        swap(&group.batch, &group.filling)  // `filling` is now the group's idle or just-scored batch
        inFlight = (group, slot, n)
        let work = ScoringWork(group: group, batch: next, scorers: scorers, count: n, observer: scoringObserver)
        executor.start { work.run() }
        if let previous {
            let scored = previous.group === group ? group.filling : previous.group.batch
            applyScores(previous.group, scored, slot: previous.slot, count: previous.count)
            scored.count = 0
        }
    }

    /// Whether ``flush(_:inline:)`` would hand `batch` to the executor rather than score it here.
    func handsOver(_ batch: WindowBatch, of group: ModelGroup) -> Bool {
        onlySlot(of: batch, in: group)?.scorer != nil
    }

    /// The one model slot of all of `batch`'s windows, or nil when they span several.
    private func onlySlot(of batch: WindowBatch, in group: ModelGroup) -> ModelSlot? {
        guard group.slots.count > 1 else { return group.slots.first }
        let slot = states[batch.series[0]].slot
        for i in 1..<batch.count where states[batch.series[i]].slot != slot { return nil }
        return group.slots[slot]
    }

    /// Judges the batch rows `batch.rows[0..<count]`, all of `slot`, by their scores in
    /// `batch.nll`/`distance` (when the slot has a model) or by the cold-start check — all through
    /// the group's ``Judge`` — then carries out what it decided: the alert message, the sink, the
    /// training reservoir.
    func applyScores(_ group: ModelGroup, _ batch: WindowBatch, slot: ModelSlot, count: Int) {
        let D = group.windowSize, F = group.fields.count
        let judge = group.judge
        // Read once: the slot's TrainedModel copied out per window cost a retain and a release of
        // each of its arrays (perf, `anomalyd-bench e2e`).
        let model = slot.scorer != nil ? slot.model : nil
        for k in 0..<count {
            let row = batch.rows[k], s = batch.series[row]
            let end = batch.end[row]
            slot.latestTime = max(slot.latestTime, end)
            slot.earliestTime = min(slot.earliestTime, end)
            slot.windowsSinceTraining += 1
            let step = states[s].grid.step ?? 0
            let onset = group.onsetMemory(states[s].row)
            var verdict = Verdict.unjudged
            var nll = Double.nan, distance = Double.nan
            if let model {
                let M = model.members.count, B = batch.capacity
                let first = Judge.modelLogTail(nll: batch.nll + k, distance: batch.distance + k, stride: B,
                                               members: model.members)
                // The members' mean raw scores, for the result and the alert.
                nll = 0
                distance = 0
                for m in 0..<M {
                    nll += Double(batch.nll[m * B + k]) / Double(M)
                    distance += Double(batch.distance[m * B + k]) / Double(M)
                }
                let newest = k * D + (group.configuration.window - 1) * F
                let range = group.range(states[s].row)
                verdict = judge.verdict(
                    modelLogTail: first,
                    beyondRange: RangeEvidence.logTail(newest: batch.inputs + newest, observed: batch.masks + newest,
                                                       fields: F, range: range),
                    rangeClaim: RangeEvidence.logClaim(fields: F, range: range),
                    state: &slot.judgement, onset: onset, step: step)
            } else if group.coldStart != nil {
                let first = batch.values.withUnsafeBufferPointer { v in
                    batch.observed.withUnsafeBufferPointer { m in
                        group.coldStart!.logTail(values: v.baseAddress! + row * D, observed: m.baseAddress! + row * D)
                    }
                }
                verdict = judge.coldStartVerdict(logTail: first, state: &slot.judgement, onset: onset, step: step)
            }
            var tracker = trackers[s]
            if tracker == nil && !restoredTrackers.isEmpty { tracker = restoredTracker(series: s, group: group) }
            let event = judge.episode(verdict, tracker: &tracker, seriesKey: { index.key(of: s) },
                                      window: AlertWindow(start: batch.start[row], end: end,
                                                          points: group.configuration.window))
            trackers[s] = tracker
            let episode = tracker?.episode
            if let event {
                if let model {
                    alert(event, group: group, batch: batch, slot: slot, inputRow: k,
                          parts: Judge.components(nll: batch.nll + k, distance: batch.distance + k, stride: batch.capacity,
                                                  members: model.members),
                          nll: nll, distance: distance, series: s, fieldCount: F)
                } else {
                    coldStartAlert(event, group: group, batch: batch, row: row, series: s)
                }
            }
            let result = WindowResult(
                group: group.index, series: s, sequence: batch.sequence[row], end: end, score: verdict.score,
                threshold: verdict.threshold, anomalyScore: verdict.anomalyScore, isAnomalous: verdict.isAnomalous,
                alertOpen: episode != nil, modelVersion: slot.version, reconstructionNLL: nll,
                latentDistance: distance)
            let newNormal = isNewNormal(episode, group)
            // Once, on the anomalous window that makes the episode long (the normal windows that may
            // follow before it resolves leave the count where it is and must not ask again); never
            // for a frozen model (`retrain_every = "never"`, and `detect --train-rows`: SKAB's
            // protocol trains once), nor before the first model (which trains on schedule).
            if newNormal && result.isAnomalous && model != nil && group.configuration.training.retrainEvery != .never
                && episode?.anomalousWindows == Self.longEpisodeWindows * group.configuration.window {
                slot.trainingRequested = true  // learn the new regime now rather than at the next scheduled run
            }
            // Normal windows train the next model; so does every window before the first one: a
            // one-window cold-start verdict is too crude to decide what a model learns, and
            // training clips extreme values.
            if !result.isAnomalous && !result.alertOpen || newNormal || model == nil {
                let offset = row * D
                batch.values.withUnsafeBufferPointer { v in
                    batch.observed.withUnsafeBufferPointer { m in
                        slot.remember(values: UnsafeBufferPointer(rebasing: v[offset..<offset + D]),
                                      mask: UnsafeBufferPointer(rebasing: m[offset..<offset + D]), series: s, time: end)
                    }
                }
            }
            sink?.detector(self, scored: result)
        }
    }

    /// Whether an open episode has lasted so long (``longEpisodeWindows`` window lengths of
    /// anomalous windows) that it is a change of regime rather than an anomaly: its windows are
    /// then trained on, so the next model learns the new normal instead of alerting forever.
    private func isNewNormal(_ episode: AlertEpisode?, _ group: ModelGroup) -> Bool {
        guard let episode else { return false }
        return episode.anomalousWindows >= Self.longEpisodeWindows * group.configuration.window
    }

    /// Window lengths of anomalous windows after which an episode counts as a new normal.
    static let longEpisodeWindows = 4

    /// Copies the rows `batch.rows[0..<count]` into `batch.inputs`/`masks`, scaled by each
    /// series' scaler (fitted on the window itself for a series the model has not seen).
    private func normalize(_ group: ModelGroup, _ batch: WindowBatch, count: Int) {
        let D = group.windowSize, F = group.fields.count
        let timeConditioned = group.configuration.vae.timeContext
        for k in 0..<count {
            let row = batch.rows[k], seriesRow = states[batch.series[row]].row
            if group.scaler(seriesRow) == nil {
                var raw = [Float](repeating: .nan, count: D)  // once per series
                for j in 0..<D where batch.observed[row * D + j] > 0 { raw[j] = batch.values[row * D + j] }
                group.setScaler(seriesRow, RobustScaler(fitting: raw, fields: F).withoutRange())
            }
            // The row's time context: the conditions of a time-conditioned model (an untimed
            // model reads none, so the four sines and cosines per window are skipped).
            if timeConditioned {
                TimeContext.write(time: batch.end[row], into: batch.conditions + k * TimeContext.count)
            }
        }
        // Over raw pointers, hoisted out of the loop: this runs for every value of every window
        // (every record, at stride 1), and indexing the arrays element by element cost more than
        // the arithmetic (measured with `anomalyd-bench e2e` under perf).
        batch.values.withUnsafeBufferPointer { values in
            batch.observed.withUnsafeBufferPointer { observed in
                for k in 0..<count {
                    let row = batch.rows[k]
                    let (median, scale) = group.scaler(states[batch.series[row]].row)!
                    let x = values.baseAddress! + row * D, m = observed.baseAddress! + row * D
                    let input = batch.inputs + k * D, mask = batch.masks + k * D
                    mask.update(from: m, count: D)
                    for f in 0..<F {
                        Self.scale(x + f, mask: m + f, stride: F, count: (D - f + F - 1) / F,
                                   center: median[f], spread: scale[f], into: input + f)
                    }
                }
            }
        }
    }

    /// `(x − center) / spread` clipped to ±10⁶, for the `count` values `stride` apart; 0 where
    /// unobserved or not finite. Written with SIMD for one field (contiguous values): normalising
    /// every window was a tenth of the ingest thread's time as scalar code with a branch per
    /// value (`anomalyd-bench e2e` under perf).
    @inline(__always)
    static func scale(_ x: UnsafePointer<Float>, mask m: UnsafePointer<Float>, stride F: Int, count: Int,
                      center: Float, spread: Float, into input: UnsafeMutablePointer<Float>) {
        var j = 0
        if F == 1 {
            typealias V = SIMD8<Float>
            let c = V(repeating: center), s = V(repeating: spread)
            let low = V(repeating: -1e6), high = V(repeating: 1e6), zero = V()
            while j + 8 <= count {
                let xs = UnsafeRawPointer(x + j).loadUnaligned(as: V.self)
                let ms = UnsafeRawPointer(m + j).loadUnaligned(as: V.self)
                let scaled = (xs - c) / s
                // NaN and ±∞ fail one of the two comparisons.
                let keep = (ms .> zero) .& (scaled .> -.infinity) .& (scaled .< .infinity)
                // Selects rather than `clamped(lowerBound:upperBound:)`, which was not inlined.
                let clipped = scaled.replacing(with: high, where: scaled .> high).replacing(with: low, where: scaled .< low)
                UnsafeMutableRawPointer(input + j).storeBytes(of: zero.replacing(with: clipped, where: keep), as: V.self)
                j += 8
            }
        }
        while j < count {
            let scaled = m[j * F] > 0 ? (x[j * F] - center) / spread : 0
            input[j * F] = scaled.isFinite ? min(max(scaled, -1e6), 1e6) : 0
            j += 1
        }
    }

    /// Builds and sends the docs/DESIGN.md §4 message for `event`, explaining the newest step per field.
    private func alert(_ event: AlertEvent, group: ModelGroup, batch: WindowBatch, slot: ModelSlot, inputRow k: Int,
                       parts: ScoreCalibration.Components, nll: Double, distance: Double, series s: Int,
                       fieldCount F: Int) {
        // While the slot's scorer is scoring the next batch on the executor's thread, the slot's
        // explainer (a second, one-window scorer) explains.
        guard let sink, let scorer = inFlight?.slot === slot ? slot.explainer : slot.scorer else { return }
        let D = group.windowSize
        let xs = UnsafePointer(batch.inputs + k * D), ms = UnsafePointer(batch.masks + k * D)
        group.contributions.withUnsafeMutableBufferPointer { c in
            scorer.fieldContributions(xs, count: 1, fields: F, mask: ms, conditions: batch.conditions + k * TimeContext.count,
                                      into: c.baseAddress!)
        }
        // The expected values are the model's prediction: with `recent_steps`, from the
        // window with its newest steps hidden, as they were scored.
        let hidden = group.configuration.scoring.recentSteps > 0 ? UnsafePointer(batch.scratch.hidden + k * D) : ms
        group.expected.withUnsafeMutableBufferPointer { e in
            scorer.reconstruct(xs, count: 1, mask: hidden, conditions: batch.conditions + k * TimeContext.count,
                               pointNLL: nil, mean: e.baseAddress!)
        }
        let scaler = group.scaler(states[s].row)
        func unscaled(_ value: Float, _ f: Int) -> Double {
            guard let (median, scale) = scaler else { return Double(value) }
            return Double(value * scale[f] + median[f])
        }
        let newest = (group.configuration.window - 1) * F
        var fields: [AlertMessage.FieldContribution] = []
        for f in 0..<F {
            let observed = batch.masks[k * D + newest + f] > 0
            let value = observed ? unscaled(batch.inputs[k * D + newest + f], f) : .nan
            fields.append(.init(name: group.fields[f], contribution: Double(group.contributions[f]), value: value,
                                expected: unscaled(group.expected[newest + f], f)))
        }
        fields.sort { $0.contribution > $1.contribution }
        let message = AlertMessage(
            event: event, series: index.key(of: s), group: group.configuration.name, reconstructionNLL: nll,
            reconstructionScore: parts.reconstruction, latentDistance: distance, latentScore: parts.latent,
            fields: fields, model: .init(version: slot.version, trainedAt: slot.trainedAtText), host: host)
        sink.detector(self, alert: message)
    }
}

extension StreamingDetector {
    /// Publishes an alert event of a window judged by the ``ColdStartCheck`` (its slot has no
    /// model yet): no reconstruction or latent scores (`null`), model version 0, and per field
    /// its share of the squared t statistics, the value it judged (the step before the newest) and
    /// its context's mean as the expected value. The check's buffers still hold this window's figures.
    private func coldStartAlert(_ event: AlertEvent, group: ModelGroup, batch: WindowBatch, row: Int, series s: Int) {
        guard let sink, let check = group.coldStart else { return }
        let F = group.fields.count
        let total = check.statistics.reduce(0) { $0 + $1 * $1 }
        var fields: [AlertMessage.FieldContribution] = []
        for f in 0..<F {
            fields.append(.init(
                name: group.fields[f], contribution: total > 0 ? check.statistics[f] * check.statistics[f] / total : 0,
                value: check.judged[f], expected: check.expected[f]))
        }
        fields.sort { $0.contribution > $1.contribution }
        let message = AlertMessage(
            event: event, series: index.key(of: s), group: group.configuration.name, reconstructionNLL: .nan,
            reconstructionScore: .nan, latentDistance: .nan, latentScore: .nan, fields: fields,
            model: .init(version: 0, trainedAt: ""), host: host)
        sink.detector(self, alert: message)
    }
}

/// The VAE passes over a batch's normalised rows, one per ensemble member: reads
/// `inputs`/`masks`, writes `nll`/`distance`
/// and the scratch, and touches nothing else — so it can run on a ``ScoringExecutor``'s thread
/// while the detector goes on ingesting into the other batch (these buffers are the executor's
/// until it is waited on; the scorer is used by nothing else meanwhile: alerts are explained by
/// the slot's ``ModelSlot/explainer``, and a model install first waits for the batch in flight).
struct ScoringWork: @unchecked Sendable {
    /// One per ensemble member, in member order.
    let scorers: [Scorer]
    let batch: WindowBatch
    let count: Int, windowSize: Int, fields: Int, recentSteps: Int, samples: Int
    let observer: (any ScoringObserver)?

    init(group: ModelGroup, batch: WindowBatch, scorers: [Scorer], count: Int, observer: (any ScoringObserver)?) {
        precondition(scorers.count <= batch.members, "more members than the batch holds scores of")
        self.scorers = scorers
        self.observer = observer
        self.batch = batch
        self.count = count
        windowSize = group.windowSize
        fields = group.fields.count
        recentSteps = group.configuration.scoring.recentSteps
        samples = group.configuration.scoring.samples
    }

    func run() {
        let start = observer == nil ? nil : ContinuousClock.now
        for (m, scorer) in scorers.enumerated() {
            WindowScoring.score(scorer, batch.inputs, mask: batch.masks, conditions: batch.conditions, count: count,
                                windowSize: windowSize, fields: fields, recentSteps: recentSteps, samples: samples,
                                nll: batch.nll + m * batch.capacity, distance: batch.distance + m * batch.capacity,
                                scratch: batch.scratch)
        }
        if let observer, let start { observer.scored(batchOf: count, in: ContinuousClock.now - start) }
    }
}
