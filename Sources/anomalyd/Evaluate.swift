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
        var tables: [(name: String, table: CSVTable)] = []
        let progress = Progress(label: "evaluate", total: names.count)
        for name in names {
            tables.append((name, try CSVReader().read(contentsOf: results + "/" + name)))
            progress.update(tables.count)
        }
        progress.finish()
        var plotLabels: [LabelledWindow] = []
        var plotPoints: [Bool]?
        let plotName = plotFile ?? names[0]
        if let labels {
            let nab = try NABLabels(contentsOf: labels)
            let evaluation = try Self.nab(tables, labels: nab)
            for name in evaluation.unlabelled { printError("evaluate: \(name): no labels, skipped") }
            for result in evaluation.results {
                printLine("nab.\(result.profile.name) \(String(format: "%.2f", result.normalizedScore)) score"
                    + " (threshold \(String(format: "%.4f", result.best.threshold)), TP \(result.best.truePositives),"
                    + " FP \(result.best.falsePositives), FN \(result.best.falseNegatives))")
            }
            printLine("nab.files \(evaluation.files) files")
            printLine("events.precision \(String(format: "%.4f", evaluation.events.precision)) ratio")
            printLine("events.recall \(String(format: "%.4f", evaluation.events.recall)) ratio")
            printLine("events.f1 \(String(format: "%.4f", evaluation.events.f1)) ratio")
            plotLabels = nab.windows[plotName] ?? []
        }
        if let column = labelsColumn {
            let metrics = try Self.pointwise(tables, column: column) { name in
                guard let data else { return nil }
                return try CSVReader().read(contentsOf: data + "/" + name).column(named: column)
            }
            printLine("pointwise.precision \(String(format: "%.4f", metrics.precision)) ratio")
            printLine("pointwise.recall \(String(format: "%.4f", metrics.recall)) ratio")
            printLine("pointwise.f1 \(String(format: "%.4f", metrics.f1)) ratio")
            printLine("pointwise.files \(names.count) files")
            if plot != nil, let table = tables.first(where: { $0.name == plotName })?.table {
                var actual = table.column(named: column)
                if actual == nil, let data { actual = try CSVReader().read(contentsOf: data + "/" + plotName).column(named: column) }
                plotPoints = actual?.map { $0 == 1 }
            }
        }
        if let plot, let table = tables.first(where: { $0.name == plotName })?.table {
            let svg = ResultsPlot(title: plotName, table: table, windows: plotLabels, pointLabels: plotPoints).svg()
            guard FileManager.default.createFile(atPath: plot, contents: Data(svg.utf8)) else {
                throw CSVError(line: 0, message: "cannot write \(plot)")
            }
        }
    }

    /// NAB's three profiles and event metrics of results tables against NAB labels.
    struct NABEvaluation {
        /// One result per profile (standard, reward_low_FP, reward_low_FN).
        var results: [NABResult]
        /// Event-wise precision/recall/F1 of the `alert` column after the probationary period.
        var events: EventMetrics
        /// Files scored.
        var files: Int
        /// Tables without labels (left out).
        var unlabelled: [String]
    }

    /// Scores results tables (`anomaly_score` and `alert` columns) named by their label keys.
    /// - Throws: when no table has labels, or a table has no `anomaly_score` column.
    static func nab(_ tables: [(name: String, table: CSVTable)], labels: NABLabels) throws -> NABEvaluation {
        var files: [NABDataFile] = []
        var events = EventMetrics()
        var unlabelled: [String] = []
        for (name, table) in tables {
            guard let windows = labels.windows[name] else {
                unlabelled.append(name)
                continue
            }
            files.append(try NABDataFile(name: name, results: table, windows: windows))
            // Event metrics on the scored rows (after the probationary period).
            let skip = NABScorer(profile: .standard).probationaryLength(rowCount: table.rowCount)
            let alerts = (table.column(named: "alert") ?? []).map { $0 == 1 }
            if alerts.count == table.rowCount {
                events.add(EventMetrics(timestamps: Array(table.timestamps[skip...]),
                                        detections: Array(alerts[skip...]), windows: windows))
            }
        }
        guard !files.isEmpty else { throw CSVError(line: 0, message: "no results file matches a label key") }
        return NABEvaluation(results: NABScorer.evaluate(files), events: events, files: files.count,
                             unlabelled: unlabelled)
    }

    /// Point-wise metrics of results tables' `alert` column against a 0/1 label column, taken
    /// from the table itself or else from `labelsOf(name)` (the data file).
    static func pointwise(_ tables: [(name: String, table: CSVTable)], column: String,
                          labelsOf: (String) throws -> [Double]?) throws -> PointwiseMetrics {
        var metrics = PointwiseMetrics()
        for (name, table) in tables {
            guard let actual = try table.column(named: column) ?? labelsOf(name), actual.count == table.rowCount else {
                throw CSVError(line: 0, message: "\(name): no '\(column)' column with one label per row")
            }
            let predicted = (table.column(named: "alert") ?? []).map { $0 == 1 }
            guard predicted.count == table.rowCount else { throw CSVError(line: 1, message: "\(name): no alert column") }
            metrics.add(PointwiseMetrics(predicted: predicted, actual: actual.map { $0 == 1 }))
        }
        return metrics
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
