import ArgumentParser
import Daemon
import Detector
import Foundation

/// `anomalyd detect`: streams a CSV file through the same ``StreamingDetector`` the daemon runs,
/// as the records of one series, and writes one result row per input row (SPEC §6).
///
/// Training runs inline, before the next row is ingested, so no row is scored by a model that
/// saw it or anything after it (NAB's online rule). Without `--config`, the offline defaults of
/// ``GroupConfiguration()`` apply.
struct Detect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the detector over a CSV file; write timestamp, fields, anomaly_score, alert.")

    @Argument(help: "CSV input: a header row, a timestamp or datetime column, numeric fields.")
    var data: String

    @Option(name: .long, help: "Configuration file; its first [[group]] applies.")
    var config: String?

    @Option(name: .long, help: "Output file (default: stdout).")
    var out: String?

    @Option(name: .customLong("train-rows"), help: "Train once on the first N rows, then freeze and score the rest.")
    var trainRows: Int?

    @Option(name: .long, help: "Start from this model file and keep it: every window is judged by it, nothing is trained.")
    var model: String?

    @Option(name: .long, help: "Comma-separated field columns to use.")
    var fields: String?

    @Option(name: .long, help: "Comma-separated columns to drop (labels such as anomaly,changepoint).")
    var exclude: String?

    func validate() throws {
        if let trainRows, trainRows < 2 { throw ValidationError("--train-rows must be at least 2") }
        if trainRows != nil && model != nil { throw ValidationError("--train-rows and --model exclude each other") }
    }

    func run() throws {
        try runReportingFailure("detect") { try detect() }
    }

    private func detect() throws {
        var group = GroupConfiguration()
        if let config { group = try Configuration.load(contentsOf: config).groups[0] }
        let list = { (text: String?) in text.map { $0.split(separator: ",").map { String($0) } } ?? [] }
        let table = try CSVReader(fields: list(fields), exclude: list(exclude)).read(contentsOf: data)
        let progress = Progress(label: "detect", total: table.rowCount)
        let stored = try model.map { path -> TrainedModel in
            let stored = try ModelCommand.model(at: path)
            try ModelCommand.check(stored, fits: group, table: table)
            return stored
        }
        let collector = try Self.run(table, group: group, trainRows: trainRows, model: stored) { progress.update($0) }
        progress.finish()
        try write(table, collector)
    }

    /// Streams `table` through a detector of `group` (matching its one series) as `detect` does,
    /// calling `rowDone` with the rows done so far after each row; returns the per-row results.
    /// `evaluate`'s inputs, `tune`'s grid and `score` all come from here.
    /// - Parameters:
    ///   - trainRows: train once on the first N rows, then freeze (their rows score 0).
    ///   - model: start from this model and freeze it (`score`, `detect --model`): every window is
    ///     judged by it from the first, and nothing is trained.
    ///   - series: the series key the rows are ingested under, so that a shared model's scaler
    ///     for that series applies (default `csv`).
    static func run(_ table: CSVTable, group base: GroupConfiguration, trainRows: Int?, model: TrainedModel? = nil,
                    series: String = "csv", rowDone: (Int) -> Void = { _ in }) throws -> RowCollector {
        var group = base
        group.match = "*"
        if let trainRows {
            group.training.minWindows = Int.max
            group.training.retrainEvery = .never
            group.training.reservoir = max(trainRows, 2)
            group.scoring.coldStart = false  // the training rows score 0 (SPEC §6)
        }
        if model != nil {
            group.training.minWindows = Int.max
            group.training.retrainEvery = .never
        }
        let F = table.fieldNames.count
        let detector = StreamingDetector(
            groups: [group], limits: DetectorLimits(maxSeries: 1, maxFields: max(F, 1), batchCapacity: 256))
        if var model {
            // The rows are one series: the model's scaler for it (`score --series`) is theirs.
            if model.scalers[series] == nil, let scaler = model.scalers.first?.value { model.scalers[series] = scaler }
            try detector.load(model, intoGroup: 0, verifyingConfiguration: false)
        }
        let collector = RowCollector(rows: table.rowCount)
        detector.sink = collector
        let nameBytes = table.fieldNames.map { Array($0.utf8) }
        withRawBuffers(nameBytes) { names in
            Array(series.utf8).withUnsafeBytes { key in
                for row in 0..<table.rowCount {
                    let record = CSVRowRecord(keyBytes: key, names: names, values: table.row(row), time: table.timestamps[row])
                    _ = detector.ingest(record, receivedAt: table.timestamps[row])
                    detector.flush()
                    if let trainRows, row + 1 == trainRows { detector.requestTraining() }
                    while let job = detector.nextTrainingJob() {
                        do { detector.install(try job.run()) } catch { detector.abandon(job) }
                    }
                    collector.finishRow(row)
                    rowDone(row + 1)
                }
            }
        }
        return collector
    }

    private func write(_ table: CSVTable, _ collector: RowCollector) throws {
        var text = "timestamp," + table.fieldNames.map(Self.quoted).joined(separator: ",") + ",anomaly_score,alert\n"
        text.reserveCapacity(table.rowCount * 48)
        for row in 0..<table.rowCount {
            text += Self.timestamp(table.timestamps[row])
            for value in table.row(row) { text += "," + (value.isNaN ? "" : "\(value)") }
            text += ",\(Self.decimal(collector.scores[row])),\(collector.alerts[row] ? 1 : 0)\n"
        }
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: Data(text.utf8)) else {
                throw CSVError(line: 0, message: "cannot write \(out)")
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    static func quoted(_ name: String) -> String {
        name.contains(",") || name.contains("\"") ? "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : name
    }

    /// A score in plain decimal form with 12 significant digits after the point, so that
    /// scores close to 1 still rank (NAB sweeps thresholds over them).
    static func decimal(_ value: Double) -> String {
        if value <= 0 { return "0" }
        if value >= 1 { return "1" }
        var text = String(format: "%.12f", value)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// `YYYY-MM-DD hh:mm:ss` in UTC (with a fraction when there is one).
    static func timestamp(_ seconds: Double) -> String {
        let whole = seconds.rounded(.down)
        let days = Int((whole / 86_400).rounded(.down))
        let secondOfDay = Int(whole) - days * 86_400
        // Civil from days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        var text = String(format: "%04d-%02d-%02d %02d:%02d:%02d", year, month, day,
                          secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
        let fraction = seconds - whole
        if fraction > 0 { text += String(format: "%.6f", fraction).dropFirst() }
        return text
    }
}

/// Runs `body` with stable raw pointers to each byte array.
private func withRawBuffers<T>(_ arrays: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) throws -> T) rethrows -> T {
    let storage = arrays.map { bytes -> UnsafeMutableRawBufferPointer in
        let p = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        p.copyBytes(from: bytes)
        return UnsafeMutableRawBufferPointer(rebasing: p[0..<bytes.count])
    }
    defer { for p in storage { p.deallocate() } }
    return try body(storage.map { UnsafeRawBufferPointer($0) })
}

/// Collects per-row results from the detector's window results.
final class RowCollector: DetectorSink {
    /// Per row, the anomaly score (0 for a row that ends no window).
    var scores: [Double]
    /// Per row, whether an alert episode is open.
    var alerts: [Bool]
    /// Per row, the window result of the window it completed (nil for a row that ends none).
    var results: [WindowResult?]
    private var alertOpen = false

    init(rows: Int) {
        scores = [Double](repeating: 0, count: rows)
        alerts = [Bool](repeating: false, count: rows)
        results = [WindowResult?](repeating: nil, count: rows)
    }

    func detector(_ detector: StreamingDetector, scored result: WindowResult) {
        guard result.sequence < scores.count else { return }
        scores[result.sequence] = result.anomalyScore
        alerts[result.sequence] = result.alertOpen
        results[result.sequence] = result
        alertOpen = result.alertOpen
    }

    /// A row without a window of its own keeps the episode state of the last window.
    func finishRow(_ row: Int) {
        if results[row] == nil { alerts[row] = alertOpen }
    }
}
