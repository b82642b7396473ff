import VAE

/// Scoring a group's batch: normalise, score per model slot in one batch, calibrate, threshold,
/// alert, and feed the reservoir.
extension StreamingDetector {
    func flush(_ group: ModelGroup) {
        if group.inFlight != nil { finish(group) }
        swap(&group.batch, &group.filling)
        group.filling.count = 0
        let n = group.batch.count
        guard n > 0 else { return }
        for i in 0..<n { group.pending[i] = true }
        // Windows of one slot are scored together; a shared group has one slot, so one batch.
        var first = 0
        while first < n {
            guard group.pending[first] else { first += 1; continue }
            let slotIndex = states[group.batch.series[first]].slot
            var count = 0
            for i in first..<n where group.pending[i] && states[group.batch.series[i]].slot == slotIndex {
                group.rows[count] = i
                group.pending[i] = false
                count += 1
            }
            let slot = group.slots[slotIndex]
            if let executor = scoringExecutor, count == n, let scorer = slot.scorer {
                // The whole batch is one slot's (always so for a shared model): score it on the
                // executor's thread and apply the scores later, from finish(_:).
                normalize(group, count: count)
                group.inFlight = (slot, count)
                let work = ScoringWork(group: group, scorer: scorer, count: count)
                executor.start { work.run() }
                return
            }
            if let scorer = slot.scorer {
                normalize(group, count: count)
                ScoringWork(group: group, scorer: scorer, count: count).run()
            }
            applyScores(group, slot: slot, count: count)
        }
        group.batch.count = 0
    }

    /// Waits for `group`'s batch in flight and applies its scores.
    func finish(_ group: ModelGroup) {
        guard let (slot, count) = group.inFlight else { return }
        scoringExecutor?.wait()
        group.inFlight = nil
        applyScores(group, slot: slot, count: count)
        group.batch.count = 0
    }

    /// Judges the batch rows `group.rows[0..<count]`, all of `slot`, by their scores in
    /// `group.nll`/`distance` (when the slot has a model): calibration, threshold, alert state,
    /// the sink, the training reservoir.
    private func applyScores(_ group: ModelGroup, slot: ModelSlot, count: Int) {
        let D = group.windowSize, F = group.fields.count
        let hasModel = slot.scorer != nil
        for k in 0..<count {
            let row = group.rows[k], s = group.batch.series[row]
            let end = group.batch.end[row]
            slot.latestTime = max(slot.latestTime, end)
            slot.windowsSinceTraining += 1
            let tracker = trackers[s]
            var result = WindowResult(
                group: group.index, series: s, sequence: group.batch.sequence[row], end: end, score: 0,
                threshold: .infinity, anomalyScore: 0, isAnomalous: false, alertOpen: tracker?.isOpen ?? false,
                modelVersion: slot.version)
            var episode = tracker?.episode
            if hasModel, let model = slot.model {
                let nll = Double(group.nll[k]), distance = Double(group.distance[k])
                let parts = model.calibration.components(reconstructionNLL: nll, latentDistance: distance)
                let threshold = slot.threshold.current
                var anomalous = slot.threshold.observe(parts.combined)
                // A flat-line (see ScoreCalibration.flatSeverity) is anomalous on its own, at least
                // ten times stiller than any training window; it scores as that many thresholds.
                let change = ScoreCalibration.meanStepChange(
                    group.inputs + k * D, mask: group.masks + k * D, window: group.configuration.window,
                    fields: F, span: ScoreCalibration.flatSpan(window: group.configuration.window))
                let flat = model.calibration.flatSeverity(stepChange: change)
                var score = parts.combined
                if flat >= 1 && threshold.isFinite {
                    anomalous = true
                    score = max(score, threshold > 0 ? flat * threshold : threshold + flat - 1)
                }
                result.score = score
                result.threshold = threshold
                result.isAnomalous = anomalous
                result.anomalyScore = Self.reportedScore(score, threshold: threshold,
                                                         episodePeak: episode?.peakSeverity)
                // An idle tracker stays idle on a normal window: only the others are kept.
                if anomalous || tracker != nil {
                    var updated = tracker ?? AlertTracker(seriesKey: index.key(of: s),
                                                          configuration: group.alertConfiguration)
                    let span = AlertWindow(start: group.batch.start[row], end: end, points: group.configuration.window)
                    let event = updated.observe(isAnomalous: anomalous, score: score, threshold: threshold,
                                                window: span)
                    trackers[s] = updated.episode == nil && updated.pendingAnomalous == 0 ? nil : updated
                    episode = updated.episode
                    if let event {
                        alert(event, group: group, slot: slot, inputRow: k, parts: parts, nll: nll,
                              distance: distance, series: s, fieldCount: F)
                    }
                }
                result.alertOpen = episode != nil
            }
            let newNormal = isNewNormal(episode, group)
            // Once, on the anomalous window that makes the episode long (the normal windows that may
            // follow before it resolves leave the count where it is and must not ask again); never
            // for a frozen model (`retrain_every = "never"`, and `detect --train-rows`: SKAB's
            // protocol trains once).
            if newNormal && result.isAnomalous && group.configuration.training.retrainEvery != .never
                && episode?.anomalousWindows == Self.longEpisodeWindows * group.configuration.window {
                slot.trainingRequested = true  // learn the new regime now rather than at the next scheduled run
            }
            if !result.isAnomalous && !result.alertOpen || newNormal {
                let offset = row * D
                group.batch.values.withUnsafeBufferPointer { v in
                    group.batch.observed.withUnsafeBufferPointer { m in
                        slot.remember(values: UnsafeBufferPointer(rebasing: v[offset..<offset + D]),
                                      mask: UnsafeBufferPointer(rebasing: m[offset..<offset + D]), series: s)
                    }
                }
            }
            sink?.detector(self, scored: result)
        }
    }

    /// The [0, 1] anomaly score of a window. Outside an alert episode it is
    /// ``ScoreCalibration/anomalyScore(score:threshold:)``; inside one, the severity is measured
    /// against the episode's peak so far, so an episode reports its onset and any escalation
    /// (above 0.5) while the windows that merely continue it stay below 0.5. A caller that
    /// counts every high row as a detection (NAB) then sees one detection per event, not one per
    /// window that still contains the event.
    static func reportedScore(_ score: Double, threshold: Double, episodePeak: Double?) -> Double {
        var severity = ScoreCalibration.severity(score: score, threshold: threshold)
        if let peak = episodePeak, peak > 1 { severity /= peak }
        // s / (1 + s): 0.5 at the threshold like ScoreCalibration.anomalyScore, but without its
        // s⁴, which rounds every severity above ~10⁴ to exactly 1 and so loses their ranking.
        guard severity.isFinite else { return severity > 0 ? 1 : 0 }
        return severity > 0 ? severity / (1 + severity) : 0
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

    /// Copies the rows into `group.inputs`/`masks`, scaled by each series' scaler (fitted on the
    /// window itself for a series the model has not seen).
    private func normalize(_ group: ModelGroup, count: Int) {
        let D = group.windowSize, F = group.fields.count
        for k in 0..<count {
            let row = group.rows[k], seriesRow = states[group.batch.series[row]].row
            if group.scaler(seriesRow) == nil {
                var raw = [Float](repeating: .nan, count: D)  // once per series
                for j in 0..<D where group.batch.observed[row * D + j] > 0 { raw[j] = group.batch.values[row * D + j] }
                group.setScaler(seriesRow, RobustScaler(fitting: raw, fields: F))
            }
        }
        // Over raw pointers, hoisted out of the loop: this runs for every value of every window
        // (every record, at stride 1), and indexing the group's arrays element by element cost
        // more than the arithmetic (measured with `anomalyd-bench e2e` under perf).
        group.batch.values.withUnsafeBufferPointer { values in
            group.batch.observed.withUnsafeBufferPointer { observed in
                for k in 0..<count {
                    let row = group.rows[k]
                    let (median, scale) = group.scaler(states[group.batch.series[row]].row)!
                    let x = values.baseAddress! + row * D, m = observed.baseAddress! + row * D
                    let input = group.inputs + k * D, mask = group.masks + k * D
                    for j in 0..<D {
                        let f = j % F
                        mask[j] = m[j]
                        let scaled = m[j] > 0 ? (x[j] - median[f]) / scale[f] : 0
                        input[j] = scaled.isFinite ? min(max(scaled, -1e6), 1e6) : 0
                    }
                }
            }
        }
    }

    /// Builds and sends the SPEC §4 message for `event`, explaining the newest step per field.
    private func alert(_ event: AlertEvent, group: ModelGroup, slot: ModelSlot, inputRow k: Int,
                       parts: ScoreCalibration.Components, nll: Double, distance: Double, series s: Int,
                       fieldCount F: Int) {
        guard let scorer = slot.scorer, let sink else { return }
        let D = group.windowSize
        let xs = UnsafePointer(group.inputs + k * D), ms = UnsafePointer(group.masks + k * D)
        group.contributions.withUnsafeMutableBufferPointer { c in
            scorer.fieldContributions(xs, count: 1, fields: F, mask: ms, into: c.baseAddress!)
        }
        // The expected values are the model's prediction: with `recent_steps`, from the
        // window with its newest steps hidden, as they were scored.
        let hidden = group.configuration.scoring.recentSteps > 0 ? UnsafePointer(group.scratch.hidden + k * D) : ms
        group.expected.withUnsafeMutableBufferPointer { e in
            scorer.reconstruct(xs, count: 1, mask: hidden, pointNLL: nil, mean: e.baseAddress!)
        }
        let scaler = group.scaler(states[s].row)
        func unscaled(_ value: Float, _ f: Int) -> Double {
            guard let (median, scale) = scaler else { return Double(value) }
            return Double(value * scale[f] + median[f])
        }
        let newest = (group.configuration.window - 1) * F
        var fields: [AlertMessage.FieldContribution] = []
        for f in 0..<F {
            let observed = group.masks[k * D + newest + f] > 0
            let value = observed ? unscaled(group.inputs[k * D + newest + f], f) : .nan
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

/// The VAE passes over a group's normalised batch: reads `inputs`/`masks`, writes `nll`/`distance`
/// and the scratch, and touches nothing else — so it can run on a ``ScoringExecutor``'s thread
/// while the detector goes on ingesting (the buffers belong to the batch in flight until
/// ``StreamingDetector/finishScoring()``; the scorer to the slot, replaced only after it).
struct ScoringWork: @unchecked Sendable {
    let scorer: Scorer
    let x: UnsafePointer<Float>, mask: UnsafePointer<Float>
    let nll: UnsafeMutablePointer<Float>, distance: UnsafeMutablePointer<Float>
    let count: Int, windowSize: Int, fields: Int, recentSteps: Int, samples: Int
    let scratch: WindowScoring.Scratch

    init(group: ModelGroup, scorer: Scorer, count: Int) {
        self.scorer = scorer
        x = UnsafePointer(group.inputs)
        mask = UnsafePointer(group.masks)
        nll = group.nll
        distance = group.distance
        self.count = count
        windowSize = group.windowSize
        fields = group.fields.count
        recentSteps = group.configuration.scoring.recentSteps
        samples = group.configuration.scoring.samples
        scratch = group.scratch
    }

    func run() {
        WindowScoring.score(scorer, x, mask: mask, count: count, windowSize: windowSize, fields: fields,
                            recentSteps: recentSteps, samples: samples, nll: nll, distance: distance, scratch: scratch)
    }
}
