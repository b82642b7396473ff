import ArgumentParser
import Detector
import Foundation

/// `anomalyd evaluate`: scores a directory of `anomalyd detect` results against labels — NAB's
/// three profiles with event-wise precision/recall/F1 from the `alert` column, or (with
/// `--labels-column`) SKAB's point-wise F1 — and optionally plots one results file.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score detect results: NAB (standard, reward_low_FP, reward_low_FN) and event F1, or point-wise F1.")

    @Option(name: .long, help: "Directory of results CSV files (searched recursively).")
    var results: String

    @Option(name: .long, help: "NAB label windows (combined_windows.json); keys are paths relative to --results.")
    var labels: String?

    @Option(name: .customLong("labels-column"), help: "Point-wise mode: the 0/1 label column (e.g. anomaly).")
    var labelsColumn: String?

    @Option(name: .long, help: "Data directory holding the label column when the results lack it (same relative paths).")
    var data: String?

    @Option(name: .long, help: "Write an SVG plot of one results file.")
    var plot: String?

    @Option(name: .customLong("plot-file"), help: "The results file to plot (relative path; default: the first).")
    var plotFile: String?

    func validate() throws {
        if labels == nil && labelsColumn == nil { throw ValidationError("give --labels (NAB) or --labels-column (point-wise)") }
    }

    func run() throws {
        try runReportingFailure("evaluate") { try evaluate() }
    }

    private func evaluate() throws {
        let names = try Self.resultFiles(in: results)
        guard !names.isEmpty else { throw CSVError(line: 0, message: "no .csv files under \(results)") }
        var tables: [String: CSVTable] = [:]
        for name in names { tables[name] = try CSVReader().read(contentsOf: results + "/" + name) }
        var plotLabels: [LabelledWindow] = []
        var plotPoints: [Bool]?
        let plotName = plotFile ?? names[0]
        if let labels {
            let nab = try NABLabels(contentsOf: labels)
            var files: [NABDataFile] = []
            var events = EventMetrics()
            for name in names {
                guard let windows = nab.windows[name], let table = tables[name] else {
                    printError("evaluate: \(name): no labels, skipped")
                    continue
                }
                let file = try NABDataFile(name: name, results: table, windows: windows)
                files.append(file)
                // Event metrics on the scored rows (after the probationary period).
                let skip = NABScorer(profile: .standard).probationaryLength(rowCount: table.rowCount)
                let alerts = (table.column(named: "alert") ?? []).map { $0 == 1 }
                if alerts.count == table.rowCount {
                    events.add(EventMetrics(timestamps: Array(table.timestamps[skip...]),
                                            detections: Array(alerts[skip...]), windows: windows))
                }
                if name == plotName { plotLabels = windows }
            }
            guard !files.isEmpty else { throw CSVError(line: 0, message: "no results file matches a label key") }
            for result in NABScorer.evaluate(files) {
                printLine("nab.\(result.profile.name) \(String(format: "%.2f", result.normalizedScore)) score"
                    + " (threshold \(String(format: "%.4f", result.best.threshold)), TP \(result.best.truePositives),"
                    + " FP \(result.best.falsePositives), FN \(result.best.falseNegatives))")
            }
            printLine("nab.files \(files.count) files")
            printLine("events.precision \(String(format: "%.4f", events.precision)) ratio")
            printLine("events.recall \(String(format: "%.4f", events.recall)) ratio")
            printLine("events.f1 \(String(format: "%.4f", events.f1)) ratio")
        }
        if let column = labelsColumn {
            var metrics = PointwiseMetrics()
            for name in names {
                let table = tables[name]!
                var actual = table.column(named: column)
                if actual == nil, let data {
                    actual = try CSVReader().read(contentsOf: data + "/" + name).column(named: column)
                }
                guard let actual, actual.count == table.rowCount else {
                    throw CSVError(line: 0, message: "\(name): no '\(column)' column with one label per row")
                }
                let predicted = (table.column(named: "alert") ?? []).map { $0 == 1 }
                guard predicted.count == table.rowCount else { throw CSVError(line: 1, message: "\(name): no alert column") }
                metrics.add(PointwiseMetrics(predicted: predicted, actual: actual.map { $0 == 1 }))
                if name == plotName { plotPoints = actual.map { $0 == 1 } }
            }
            printLine("pointwise.precision \(String(format: "%.4f", metrics.precision)) ratio")
            printLine("pointwise.recall \(String(format: "%.4f", metrics.recall)) ratio")
            printLine("pointwise.f1 \(String(format: "%.4f", metrics.f1)) ratio")
            printLine("pointwise.files \(names.count) files")
        }
        if let plot, let table = tables[plotName] {
            let svg = ResultsPlot(title: plotName, table: table, windows: plotLabels, pointLabels: plotPoints).svg()
            guard FileManager.default.createFile(atPath: plot, contents: Data(svg.utf8)) else {
                throw CSVError(line: 0, message: "cannot write \(plot)")
            }
        }
    }

    /// The `.csv` files under `directory`, as sorted relative paths.
    static func resultFiles(in directory: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw CSVError(line: 0, message: "cannot read directory \(directory)")
        }
        var names: [String] = []
        while let name = enumerator.nextObject() as? String {
            if name.hasSuffix(".csv") { names.append(name) }
        }
        return names.sorted()
    }
}
