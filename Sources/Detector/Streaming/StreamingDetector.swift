/// The streaming detector that both the daemon and `anomalyd detect` drive (docs/ARCHITECTURE.md): records in,
/// scored windows, alerts and model events out. No sockets, no threads.
///
/// ## Data flow
/// `ingest` routes a record to the first group whose glob matches its series key (else
/// `unknown_group`), to the series' state (created on first sight, up to `maxSeries`), maps its
/// fields by name onto the group's layout and places it in the series' ``SeriesWindow``. Every
/// `stride`-th new step of a full window is copied into the group's filling batch; ``flush()`` (or
/// a full batch) normalises the batch with each series' ``RobustScaler``, scores it through the VAE
/// ``VAE/Scorer`` in one BLAS batch per model, and hands every window to the group's ``Judge``
/// — calibration, threshold, onset and each series' ``AlertTracker``; results and alerts go to
/// the ``sink``. Windows that are neither anomalous nor inside an alert episode enter the model's
/// reservoir. Before a slot has a model, the judge's first stage is the ``ColdStartCheck`` (all
/// such windows enter the reservoir), or with `cold_start = false` they score 0 and never alert.
///
/// ## Training
/// ``nextTrainingJob()`` returns a ``TrainingJob`` when a model is due (first at `min_windows`,
/// then per `retrain_every`); the caller runs it where it likes and passes the result to
/// ``install(_:)``, which validates it and swaps it in (model event `trained` or `rejected`).
///
/// In steady state `ingest` and `flush` allocate nothing; a new series, a model install and an
/// alert message do.
public final class StreamingDetector {
    /// The caps this detector enforces.
    public let limits: DetectorLimits
    /// Receives results, alerts and model events.
    public weak var sink: (any DetectorSink)?
    /// Where batch scoring (the VAE passes alone) runs: nil scores on the caller's thread, inside
    /// ``flush()``. With an executor on another core, ingest fills the next batch while the last
    /// one is scored (the daemon's two-core split); results still reach the sink in order, on
    /// the caller's thread, from ``finishScoring()`` or the next flush.
    public var scoringExecutor: (any ScoringExecutor)? {
        willSet { finishScoring() }  // the batch in flight is the old executor's
    }
    /// Told the duration of every batch's VAE scoring (the daemon's `scoring_seconds`); nil: not timed.
    public var scoringObserver: (any ScoringObserver)?
    /// Host name put in alerts.
    public var host = ""

    let groups: [ModelGroup]
    var index: SeriesIndex
    var states: [SeriesState] = []
    /// Alert state machines of the series whose tracker is not idle (an open episode or a run of
    /// anomalous windows); an idle tracker behaves as a new one, so it is dropped.
    var trackers: [Int: AlertTracker] = [:]
    /// Trackers restored from a saved state (``restoreEpisodes(_:)``) by series key, each taken
    /// by its series' first judged window; empty in steady state, so judging pays one check.
    var restoredTrackers: [String: (group: String, snapshot: AlertTracker.Snapshot)] = [:]
    /// Series whose first judged window since the restore has looked in ``restoredTrackers``.
    var restoreLooked: [Bool] = []
    /// The keys of expired series whose windows are still in a training reservoir, where they
    /// are referred to as `-(k + 1)` (``expireSeries(idleBefore:)``).
    var retiredKeys: [String] = []
    /// The batch on the ``scoringExecutor`` (always its group's ``ModelGroup/batch``), with the
    /// slot that scores it and its window count; one at a time.
    var inFlight: (group: ModelGroup, slot: ModelSlot, count: Int)?
    /// Totals of the window outcomes of every series (``SeriesWindow/Counts``).
    public private(set) var windowCounts = SeriesWindow.Counts()
    /// Stamped on each series at each of its records: the caller advances it now and then (the
    /// daemon at each expiry scan), and ``expireSeries(idleBefore:)`` forgets the series whose
    /// last record came before a given epoch.
    public var activityEpoch: Int32 = 0
    /// Records passed to `ingest` so far (the next record's sequence number).
    public private(set) var sequence = 0

    /// A detector for `groups` (first match wins) under `limits`.
    public init(groups: [GroupConfiguration], limits: DetectorLimits = DetectorLimits()) {
        precondition(!groups.isEmpty, "a detector needs at least one group")
        self.limits = limits
        self.groups = groups.enumerated().map { ModelGroup(index: $0.offset, configuration: $0.element, limits: limits) }
        index = SeriesIndex(capacity: limits.maxSeries)
    }

    /// The group configurations, in routing order.
    public var configurations: [GroupConfiguration] { groups.map(\.configuration) }
    /// Number of series held.
    public var seriesCount: Int { states.count }
    /// The key of series `id`.
    public func seriesKey(of id: Int) -> String { index.key(of: id) }
    /// The fields of group `group` in window column order (empty until its first series).
    public func fields(ofGroup group: Int) -> [String] { groups[group].fields }
    /// The version of the model scoring series `id` (0: none yet).
    public func modelVersion(ofSeries id: Int) -> Int {
        groups[states[id].group].slots[states[id].slot].version
    }

    /// Takes one record.
    /// - Parameters:
    ///   - record: the record; its buffers are read before this returns and never kept.
    ///   - receivedAt: the time of receipt, used when the record carries no timestamp.
    public func ingest<R: DetectorRecord>(_ record: R, receivedAt: Double) -> IngestOutcome {
        let number = sequence
        sequence += 1
        let key = record.seriesKeyBytes
        var id = index.id(of: key)
        if id == nil {
            guard let g = groups.firstIndex(where: { $0.glob.matches(key) }) else { return .rejected(.unknownGroup) }
            guard index.count < limits.maxSeries else { return .rejected(.seriesLimit) }
            let group = groups[g]
            if !group.isLaidOut { group.layOut(from: record) }
            // Grow the per-series arrays by an eighth rather than doubling, so that their spare
            // capacity stays a small part of the per-series figure (``memoryFootprint``).
            if states.count == states.capacity { states.reserveCapacity(states.count + max(1024, states.count / 8)) }
            guard let new = index.insert(key) else { return .rejected(.seriesLimit) }
            let config = group.configuration
            let slot = config.model == .perSeries ? group.slot(forNewSeries: index.key(of: new)) : 0
            let step: Double? = if case .seconds(let s) = config.step { s } else { nil }
            let row = group.slab.append()
            states.append(SeriesState(
                grid: WindowGrid(width: config.window, fieldCount: group.fields.count, step: step, inferenceSamples: 8),
                group: g, slot: slot, row: row))
            if let scalers = group.slots[slot].model?.scalers, !scalers.isEmpty,
               let scaler = scalers[index.key(of: new)] {
                group.setScaler(row, scaler)
            }
            id = new
        }
        let s = id!
        states[s].lastEpoch = activityEpoch
        let group = groups[states[s].group]
        let mapped = group.mapFields(record)
        guard mapped != ModelGroup.valueOutOfRange else { return .rejected(.outOfRange) }
        guard mapped > 0 else { return .rejected(.noFields) }
        let ring = group.ring(states[s].row)
        let outcome = states[s].grid.insert(
            timestamp: record.recordTime ?? receivedAt, fields: group.values, ring: ring, counts: &windowCounts)
        switch outcome {
        case .appended, .reset:
            states[s].stepsSinceQueued += 1
            if states[s].grid.isFull && states[s].stepsSinceQueued >= group.configuration.stride {
                states[s].stepsSinceQueued = 0
                group.filling.append(states[s].grid, ring: ring, series: s, sequence: number)
                if group.filling.isFull { flush(group) }
            }
        case .updated, .buffered: break
        case .duplicate: return .rejected(.duplicate)
        case .late: return .rejected(.late)
        }
        return .accepted
    }

    /// Scores every queued window of every group now. With a ``scoringExecutor`` the last batch
    /// may still be in flight when this returns: ``finishScoring()`` completes it.
    public func flush() {
        for group in groups where group.filling.count > 0 { flush(group) }
    }

    /// Scores every queued window now, on the caller's thread, after applying the batch in
    /// flight: with a ``scoringExecutor``, what to do when there is nothing to overlap the
    /// scoring with (the input is drained), as handing over would only add the two threads'
    /// wake-ups to the wait.
    public func flushInline() {
        finishScoring()
        for group in groups where group.filling.count > 0 { flush(group, inline: true) }
    }

    /// With a ``scoringExecutor``, keeps it busy without waiting for it: when the batch in flight
    /// is done its scores are applied (alerts out), and when nothing is in flight a group's queued
    /// windows are handed over once they make half a batch — so alerts leave as soon as their
    /// batch is scored, and under load the batches stay wide enough for BLAS. The daemon calls it
    /// after every message when another is already waiting. Without an executor it does nothing
    /// (``flush()`` scores inline).
    public func flushIfScorerIdle() {
        guard let executor = scoringExecutor else { return }
        if inFlight != nil && !executor.isFinished() { return }
        // At least half a batch: a batch costs a hand-over and BLAS is slower per window on
        // narrow ones, so tiny batches made the scoring thread the bottleneck (measured with
        // `anomalyd-bench e2e`: 217k records/s against 290–310k). Of the groups ready, the one
        // waiting longest; never one that would be scored here (windows of several slots).
        let least = limits.batchCapacity / 2
        var next: ModelGroup?
        for group in groups where group.filling.count >= least && handsOver(group.filling, of: group) {
            if next == nil || group.filling.sequence[0] < next!.filling.sequence[0] { next = group }
        }
        if let next {
            flush(next)  // hands it over, then judges the batch that was in flight
        } else {
            finishScoring()  // its alerts out now
        }
    }

    /// Waits for the batch the ``scoringExecutor`` is scoring, if any, and applies its scores:
    /// thresholds, alerts, results to the sink, the training reservoir. Without an executor
    /// there is never one in flight.
    public func finishScoring() {
        guard let (group, slot, count) = inFlight else { return }
        scoringExecutor?.wait()
        inFlight = nil
        applyScores(group, group.batch, slot: slot, count: count)
        group.batch.count = 0
    }

    /// Windows queued and not yet scored, over all groups.
    public var queuedWindows: Int { groups.reduce(0) { $0 + $1.filling.count } + (inFlight?.count ?? 0) }

    // MARK: - Training

    /// The next due training run, marking its slot busy until ``install(_:)`` or
    /// ``abandon(_:)``; nil when nothing is due.
    public func nextTrainingJob() -> TrainingJob? {
        for group in groups {
            for (slotIndex, slot) in group.slots.enumerated() where slot.isDue(group.configuration.training) {
                slot.trainingInProgress = true
                slot.trainingRequested = false
                slot.issuedVersion += 1
                let snapshot = slot.reservoir.snapshot()
                let ids = slot.snapshotSeries()
                var local: [Int: Int32] = [:]
                var keys: [String] = []
                let windowSeries = ids.map { id -> Int32 in
                    if let l = local[Int(id)] { return l }
                    local[Int(id)] = Int32(keys.count)
                    keys.append(reservoirKey(of: id))
                    return Int32(keys.count - 1)
                }
                var job = TrainingJob(
                    groupIndex: group.index, slotIndex: slotIndex, configuration: group.configuration,
                    fields: group.fields, windows: snapshot.values, mask: snapshot.mask, windowSeries: windowSeries,
                    seriesKeys: keys, series: slot.series, warmStart: slot.checkpoint, version: slot.issuedVersion,
                    trainedAt: slot.latestTime)
                job.newWindows = slot.windowsSinceTraining
                job.windowTimes = slot.snapshotTimes()
                return job
            }
        }
        return nil
    }

    /// Gives a job back without a model (its run failed); the schedule will offer it again.
    public func abandon(_ job: TrainingJob) {
        let slot = groups[job.groupIndex].slots[job.slotIndex]
        slot.trainingInProgress = false
        slot.windowsSinceTraining = 0
        slot.lastTrainedAt = slot.latestTime
    }

    /// Asks every model slot holding at least two windows for a training run now, whatever its
    /// schedule (`anomalyd detect --train-rows`).
    public func requestTraining() {
        for group in groups { for slot in group.slots { slot.trainingRequested = true } }
    }

    /// Validates a job's result and swaps it in atomically (from the next scored window on).
    /// - Returns: the `trained` or `rejected` event, also sent to the sink.
    @discardableResult
    public func install(_ trained: TrainedModel) -> ModelEvent {
        finishScoring()  // the batch in flight is judged by the model that scored it
        let group = groups[trained.groupIndex]
        let slotIndex = trained.series.flatMap { group.slotBySeries[$0] } ?? 0
        let slot = group.slots[slotIndex]
        slot.trainingInProgress = false
        let event: ModelEvent
        if let reason = trained.rejectionReason {
            slot.windowsSinceTraining = 0
            slot.lastTrainedAt = slot.latestTime
            event = ModelEvent(action: .rejected, group: group.configuration.name, series: slot.series,
                               version: slot.version, trainingWindows: trained.trainingWindows,
                               validationLoss: trained.validationLoss, reason: reason)
        } else {
            place(trained, in: slot, group: group)
            event = ModelEvent(action: .trained, group: group.configuration.name, series: slot.series,
                               version: trained.version, trainingWindows: trained.trainingWindows,
                               validationLoss: trained.validationLoss)
        }
        sink?.detector(self, model: event)
        return event
    }

    /// Installs a model read from disk into group `group`.
    /// - Parameter verifyingConfiguration: whether the model must have been trained under the
    ///   group's configuration (its ``GroupConfiguration/modelHash``); off only where a user named
    ///   both the model and the settings (`anomalyd score --step`).
    /// - Throws: ``ModelLoadError`` when it was trained under another configuration, for
    ///   other fields, or does not fit the group.
    @discardableResult
    public func load(_ stored: TrainedModel, intoGroup group: Int, verifyingConfiguration: Bool = true) throws -> ModelEvent {
        finishScoring()
        let g = groups[group]
        let expected = g.configuration.modelHash
        guard stored.configurationHash == expected || !verifyingConfiguration else {
            throw ModelLoadError.configurationMismatch(expected: expected, found: stored.configurationHash)
        }
        if !g.isLaidOut { g.layOut(stored.fields.map { Array($0.utf8) }) }
        guard stored.fields == g.fields else { throw ModelLoadError.fieldMismatch(expected: g.fields, found: stored.fields) }
        guard stored.vae.config.inputSize == g.windowSize else {
            throw ModelLoadError.fieldMismatch(expected: g.fields, found: stored.fields)
        }
        var model = stored
        model.groupIndex = group
        // The group's batches hold `training.ensemble` members' scores: a file with more
        // members is judged by its first that many.
        model.members = Array(model.members.prefix(max(g.configuration.training.ensemble, 1)))
        let slotIndex = model.series.map { g.slot(forNewSeries: $0) } ?? 0
        guard slotIndex < g.slots.count else { throw ModelLoadError.fieldMismatch(expected: g.fields, found: stored.fields) }
        place(model, in: g.slots[slotIndex], group: g)
        let event = ModelEvent(action: .loaded, group: g.configuration.name, series: model.series,
                               version: model.version, trainingWindows: model.trainingWindows,
                               validationLoss: model.validationLoss)
        sink?.detector(self, model: event)
        return event
    }

    /// The model of group `group`'s slot `slot` with its live calibration, for a checkpoint.
    public func trainedModel(group: Int, slot: Int = 0) -> TrainedModel? {
        finishScoring()  // the calibration state includes every window scored so far
        guard groups[group].slots.indices.contains(slot) else { return nil }
        return groups[group].slots[slot].checkpoint
    }

    private func place(_ trained: TrainedModel, in slot: ModelSlot, group: ModelGroup) {
        slot.install(trained, capacity: limits.batchCapacity)
        for (key, scaler) in trained.scalers {
            guard let s = index.id(of: key), states[s].group == group.index, group.slots[states[s].slot] === slot,
                  scaler.fields == group.fields.count else { continue }
            group.setScaler(states[s].row, scaler)
        }
    }
}

/// Why a stored model was not installed.
public enum ModelLoadError: Error, Equatable, CustomStringConvertible {
    /// The model was trained under a group configuration with another ``GroupConfiguration/modelHash``.
    case configurationMismatch(expected: String, found: String)
    /// The model's fields or input size differ from the group's.
    case fieldMismatch(expected: [String], found: [String])

    public var description: String {
        switch self {
        case .configurationMismatch(let e, let f):
            return "model was trained under another group configuration (hash \(f), expected \(e))"
        case .fieldMismatch(let e, let f): return "model fields \(f) do not match the group's \(e)"
        }
    }
}
