import Detector

/// Streams a ``CSVTable`` through a ``StreamingDetector`` — the daemon's own — as the records of
/// one series, and collects one result per row: what `anomalyd detect`, `score` and `tune` run.
///
/// Training runs inline, before the next row is ingested, so no row is scored by a model that saw
/// it or anything after it (NAB's online rule).
public struct OfflineDetector {
    /// The group the rows are judged by; its `match` is replaced by `*`.
    public var group: GroupConfiguration
    /// Train once on the first N rows, then freeze (those rows score 0 and alert 0).
    public var trainRows: Int?
    /// Start from this model and freeze it (`score`, `detect --model`): every window is judged by
    /// it from the first, and nothing is trained.
    public var model: TrainedModel?
    /// The series key the rows are ingested under, so that a shared model's scaler for that series
    /// applies.
    public var series: String

    /// Creates a run of `group`; see the properties for the options.
    public init(group: GroupConfiguration, trainRows: Int? = nil, model: TrainedModel? = nil, series: String = "csv") {
        self.group = group
        self.trainRows = trainRows
        self.model = model
        self.series = series
    }

    /// Streams every row of `table`, calling `rowDone` with the rows done so far after each row.
    /// - Throws: when the model cannot be loaded into the group.
    public func run(_ table: CSVTable, rowDone: (Int) -> Void = { _ in }) throws -> RowCollector {
        var group = self.group
        group.match = "*"
        if let trainRows {
            group.training.minWindows = Int.max
            group.training.retrainEvery = .never
            group.training.reservoir = max(trainRows, 2)
            group.scoring.coldStart = false  // the training rows score 0 (docs/DESIGN.md §6)
        }
        if let model {
            group.training.minWindows = Int.max
            group.training.retrainEvery = .never
            // The windows carry the time context exactly when the model reads one, whatever the
            // configuration given beside it says (the model is loaded without that check).
            group.vae.timeContext = model.vae.config.conditions > 0
        }
        let detector = StreamingDetector(
            groups: [group],
            limits: DetectorLimits(maxSeries: 1, maxFields: max(table.fieldNames.count, 1), batchCapacity: 256))
        if var model {
            // The rows are one series: the model's scaler for it (`score --series`) is theirs.
            if model.scalers[series] == nil, let scaler = model.scalers.first?.value { model.scalers[series] = scaler }
            try detector.load(model, intoGroup: 0, verifyingConfiguration: false)
        }
        let collector = RowCollector(rows: table.rowCount)
        detector.sink = collector
        let buffers = FieldNameBuffers(series: series, fieldNames: table.fieldNames)
        for row in 0..<table.rowCount {
            _ = detector.ingest(buffers.record(table, row: row), receivedAt: table.timestamps[row])
            detector.flush()
            if let trainRows, row + 1 == trainRows { detector.requestTraining() }
            while let job = detector.nextTrainingJob() {
                do { detector.install(try job.run()) } catch { detector.abandon(job) }
            }
            collector.finishRow(row)
            rowDone(row + 1)
        }
        return collector
    }
}
