import Detector

/// Trains one group model on every window of a ``CSVTable``: what `anomalyd train` runs.
///
/// The rows stream through a ``StreamingDetector`` as the records of one series (`csv`), exactly
/// as ``OfflineDetector`` feeds them, with training held back until the end; then one
/// ``TrainingJob`` — the detector's own, over a reservoir large enough for every window — trains
/// the model: per-series scaler, seeded hold-out split, VAE training, score calibration on the
/// held-out windows and the threshold's initial state.
public struct OfflineTrainer {
    /// The group whose model is trained; its `match` is replaced by `*`.
    public var group: GroupConfiguration

    /// A trainer for `group`.
    public init(group: GroupConfiguration) {
        self.group = group
    }

    /// The model trained on every window of `table`.
    /// - Throws: ``OfflineError`` when the table has no field, gives fewer than two complete
    ///   windows, or training rejects the model.
    public func train(_ table: CSVTable) throws -> TrainedModel {
        guard !table.fieldNames.isEmpty else { throw OfflineError("the data has no numeric field columns") }
        var group = self.group
        group.match = "*"
        // Every window enters the reservoir (every window before the first model does), and
        // nothing trains until asked; nothing needs judging.
        group.scoring.coldStart = false
        group.training.minWindows = Int.max
        group.training.retrainEvery = .never
        group.training.reservoir = max(table.rowCount, 2)
        let detector = StreamingDetector(
            groups: [group],
            limits: DetectorLimits(maxSeries: 1, maxFields: table.fieldNames.count, batchCapacity: 256))
        let buffers = FieldNameBuffers(series: "csv", fieldNames: table.fieldNames)
        for row in 0..<table.rowCount {
            _ = detector.ingest(buffers.record(table, row: row), receivedAt: table.timestamps[row])
        }
        detector.flush()
        detector.requestTraining()
        guard let job = detector.nextTrainingJob() else {
            throw OfflineError("the data gives fewer than 2 complete windows of \(group.window) steps "
                + "(\(table.rowCount) rows)")
        }
        let model = try job.run()
        if let reason = model.rejectionReason { throw OfflineError("training failed: \(reason)") }
        return model
    }
}
