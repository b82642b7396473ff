import ArgumentParser
import Detector
import Foundation

/// `anomalyd train`: trains one group model on every window of a CSV file and writes it as a
/// model file (SPEC §6, §7).
///
/// The rows stream through a ``StreamingDetector`` as the records of one series (`csv`), exactly
/// as `anomalyd detect` feeds them, with training held back until the end; then one
/// ``TrainingJob`` — the detector's own, over a reservoir large enough for every window — trains
/// the model: per-series scaler, seeded hold-out split, VAE training, score calibration on the
/// held-out windows and the threshold's initial state. The file is written atomically.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model on every window of a CSV file; write it as a safetensors file.")

    @Argument(help: "CSV input: a header row, a timestamp or datetime column, numeric fields.")
    var data: String

    @Option(name: .long, help: "The model file to write (safetensors).")
    var out: String

    @Option(name: .long, help: "Configuration file; its first [[group]] applies (default: detect's offline group).")
    var config: String?

    @Option(name: .long, help: "Comma-separated field columns to use.")
    var fields: String?

    @Option(name: .long, help: "Comma-separated columns to drop (labels such as anomaly,changepoint).")
    var exclude: String?

    func run() throws {
        try runReportingFailure("train") {
            let (model, epochs) = try Self.train(data: data, config: config, fields: ModelCommand.list(fields),
                                                 exclude: ModelCommand.list(exclude))
            try model.write(to: out)
            let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            let c = model.vae.config
            printLine("trained group \(model.group) on \(model.trainingWindows) windows of "
                + "\(model.windowSteps)×\(model.fields.count) (hidden \(c.hidden), latent \(c.latent)), "
                + "at most \(epochs) epochs, validation loss \(String(format: "%.4f", model.validationLoss)) nats/point "
                + "→ \(out) (\(size) bytes)")
        }
    }

    /// Trains the model of the configuration's first group on every window of the CSV at `data`;
    /// returns it with the configured epoch limit (early stopping may end training sooner).
    static func train(data: String, config: String?, fields: [String], exclude: [String]) throws
        -> (model: TrainedModel, epochs: Int)
    {
        var group = try ModelCommand.group(config: config)
        let table = try CSVReader(fields: fields, exclude: exclude).read(contentsOf: data)
        guard !table.fieldNames.isEmpty else { throw CommandFailure("\(data) has no numeric field columns") }
        // Every window enters the reservoir (every window before the first model does), and
        // nothing trains until asked; nothing needs judging.
        group.scoring.coldStart = false
        group.training.minWindows = Int.max
        group.training.retrainEvery = .never
        group.training.reservoir = max(table.rowCount, 2)
        let detector = StreamingDetector(
            groups: [group],
            limits: DetectorLimits(maxSeries: 1, maxFields: table.fieldNames.count, batchCapacity: 256))
        let names = table.fieldNames.map { Array($0.utf8) }
        let storage = names.map { bytes -> UnsafeMutableRawBufferPointer in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
            buffer.copyBytes(from: bytes)
            return UnsafeMutableRawBufferPointer(rebasing: buffer[0..<bytes.count])
        }
        defer { for buffer in storage { buffer.deallocate() } }
        let nameBuffers = storage.map { UnsafeRawBufferPointer($0) }
        CSVRowRecord.key.withUnsafeBytes { key in
            for row in 0..<table.rowCount {
                let record = CSVRowRecord(keyBytes: key, names: nameBuffers, values: table.row(row),
                                          time: table.timestamps[row])
                _ = detector.ingest(record, receivedAt: table.timestamps[row])
            }
        }
        detector.flush()
        detector.requestTraining()
        guard let job = detector.nextTrainingJob() else {
            throw CommandFailure("\(data) gives fewer than 2 complete windows of \(group.window) steps "
                + "(\(table.rowCount) rows)")
        }
        let model = try job.run()
        if let reason = model.rejectionReason { throw CommandFailure("training failed: \(reason)") }
        return (model, group.training.epochs)
    }
}
