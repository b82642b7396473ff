import ArgumentParser
import Daemon
import Detector
import Offline

/// `anomalyd detect`: streams a CSV file through the same ``StreamingDetector`` the daemon runs,
/// as the records of one series, and writes one result row per input row (docs/DESIGN.md §6) — an
/// ``OfflineDetector`` run written by ``ResultsCSV/detection(_:_:)``. Without `--config`, the
/// offline defaults of ``GroupConfiguration()`` apply.
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
        try runReportingFailure("detect") {
            var group = GroupConfiguration()
            if let config { group = try Configuration.load(contentsOf: config).groups[0] }
            let table = try CSVReader(fields: ModelCommand.list(fields), exclude: ModelCommand.list(exclude))
                .read(contentsOf: data)
            let stored = try model.map { path -> TrainedModel in
                let stored = try ModelCommand.model(at: path)
                try ModelCommand.check(stored, fits: group, table: table)
                return stored
            }
            let progress = Progress(label: "detect", total: table.rowCount)
            let results = try OfflineDetector(group: group, trainRows: trainRows, model: stored)
                .run(table) { progress.update($0) }
            progress.finish()
            try writeOutput(ResultsCSV.detection(table, results), to: out)
        }
    }
}
