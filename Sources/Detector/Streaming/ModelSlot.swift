import Foundation  // ISO8601DateFormatter, once per installed model
import VAE

/// One model of a group and everything that learns with it: the reservoir of recent normal
/// windows it trains on, the installed ``TrainedModel`` with its scorer, the judge's calibration
/// stages of its windows, and the retraining schedule. A shared group has one slot; a per-series group one per series.
final class ModelSlot {
    /// The series of a per-series slot.
    let series: String?
    /// Recent normal raw windows.
    var reservoir: WindowReservoir
    /// Series id of each reservoir entry, a ring parallel to the reservoir's (grown with it).
    var reservoirSeries: [Int32] = []
    /// Grid time of each reservoir entry's newest step, a ring parallel to the reservoir's.
    var reservoirTimes: [Double] = []
    /// The installed model, nil before the first.
    private(set) var model: TrainedModel?
    /// Inference buffers for each of ``model``'s members: they score the batches.
    private(set) var scorers: [Scorer] = []
    /// The first member's scorer; nil before the first model.
    var scorer: Scorer? { scorers.first }
    /// A second, one-window scorer of ``model``'s first member that explains alerts (field
    /// contributions, expected values) on the detector's thread while ``scorers`` are scoring the
    /// next batch on the executor's; made the first time that happens after an install.
    var explainer: Scorer? {
        if explainerStorage == nil, let model {
            explainerStorage = Scorer(model: model.vae, capacity: 1, seed: UInt64(model.version))
        }
        return explainerStorage
    }
    private var explainerStorage: Scorer?
    /// What the judge has learnt of this slot's windows (``Judge/SlotState``).
    var judgement = Judge.SlotState()
    /// The model's `trained_at` as RFC 3339.
    private(set) var trainedAtText = ""
    /// Version of the installed model (0: none).
    var version: Int { model?.version ?? 0 }
    /// Highest version ever handed to a job (rejected ones included).
    var issuedVersion = 0
    /// Windows scored since the last install.
    var windowsSinceTraining = 0
    /// Newest window end time seen.
    var latestTime = -Double.infinity
    /// Oldest window end time seen.
    var earliestTime = Double.infinity
    /// Stream time of the last install.
    var lastTrainedAt = -Double.infinity
    /// A job is out.
    var trainingInProgress = false
    /// ``StreamingDetector/requestTraining()`` asked for a run regardless of the schedule.
    var trainingRequested = false

    init(series: String?, reservoir capacity: Int, windowSize: Int) {
        self.series = series
        reservoir = WindowReservoir(capacity: capacity, windowSize: windowSize)
    }

    /// Adds a normal window of series `id`.
    func remember(values: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<Float>, series id: Int, time: Double) {
        let position = reservoir.appended % reservoir.capacity
        if position == reservoirSeries.count {
            reservoirSeries.append(Int32(id))
            reservoirTimes.append(time)
        } else {
            reservoirSeries[position] = Int32(id)
            reservoirTimes[position] = time
        }
        reservoir.append(values: values, mask: mask)
    }

    /// The series ids of ``WindowReservoir/snapshot()``'s rows, oldest first.
    func snapshotSeries() -> [Int32] {
        let start = reservoir.count < reservoir.capacity ? 0 : reservoir.appended % reservoir.capacity
        return (0..<reservoir.count).map { reservoirSeries[(start + $0) % reservoir.capacity] }
    }

    /// The newest-step times of ``WindowReservoir/snapshot()``'s rows, oldest first.
    func snapshotTimes() -> [Double] {
        let start = reservoir.count < reservoir.capacity ? 0 : reservoir.appended % reservoir.capacity
        return (0..<reservoir.count).map { reservoirTimes[(start + $0) % reservoir.capacity] }
    }

    /// Whether the schedule calls for a training run now.
    func isDue(_ training: TrainingSettings) -> Bool {
        guard !trainingInProgress, reservoir.count >= 2 else { return false }
        if trainingRequested { return true }
        guard model != nil else {
            // A full reservoir holds the most history it ever will: waiting for more would
            // only replace its oldest windows.
            return reservoir.count >= training.minWindows
                && (latestTime - earliestTime >= training.minHistory || reservoir.appended >= reservoir.capacity)
        }
        switch training.retrainEvery {
        case .never: return false
        case .everyWindows(let n): return windowsSinceTraining >= n
        case .every(let seconds): return latestTime - lastTrainedAt >= seconds
        case .whicheverFirst(let seconds, let windows):
            return latestTime - lastTrainedAt >= seconds || windowsSinceTraining >= windows
        }
    }

    /// Swaps in `trained` with a scorer of `capacity` windows.
    func install(_ trained: TrainedModel, capacity: Int) {
        // A checkpoint's own calibration, else the first stage's claim: a new model's claims are its own.
        judgement.model = trained.evidenceTail ?? EvidenceTail()
        model = trained
        scorers = trained.members.map { Scorer(model: $0.vae, capacity: capacity, seed: UInt64(trained.version)) }
        explainerStorage = nil
        judgement.range = trained.rangeCalibration ?? RangeEvidence.Calibration()
        windowsSinceTraining = 0
        lastTrainedAt = max(trained.trainedAt, latestTime)
        issuedVersion = max(issuedVersion, trained.version)
        let formatter = ISO8601DateFormatter()
        trainedAtText = formatter.string(from: Date(timeIntervalSince1970: trained.trainedAt))
    }

    /// The installed model with the live calibration, for checkpoints.
    var checkpoint: TrainedModel? {
        guard var m = model else { return nil }
        m.evidenceTail = judgement.model
        m.rangeCalibration = judgement.range
        return m
    }
}
