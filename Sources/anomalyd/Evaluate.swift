import ArgumentParser
import Foundation
import Offline

/// `anomalyd evaluate`: scores a directory of `anomalyd detect` results against labels — NAB's
/// three profiles, each top-level category's raw points at the profile's corpus-wide threshold
/// (as NAB reports categories) and event-wise precision/recall/F1 from the `alert` column
/// (``NABEvaluation``), or (with `--labels-column`) SKAB's point-wise F1 (``PointwiseMetrics``)
/// — and optionally plots one results file (``ResultsPlot``).
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
        let names = try NamedTable.csvFiles(under: results)
        guard !names.isEmpty else { throw CSVError(line: 0, message: "no .csv files under \(results)") }
        var tables: [NamedTable] = []
        let progress = Progress(label: "evaluate", total: names.count)
        for name in names {
            tables.append(NamedTable(name: name, table: try CSVReader().read(contentsOf: results + "/" + name)))
            progress.update(tables.count)
        }
        progress.finish()
        let labelColumn = { (name: String) throws -> [Double]? in
            guard let data, let column = labelsColumn else { return nil }
            return try CSVReader().read(contentsOf: data + "/" + name).column(named: column)
        }
        var plotLabels: [LabelledWindow] = []
        let plotName = plotFile ?? names[0]
        if let labels {
            let nab = try NABLabels(contentsOf: labels)
            let evaluation = try NABEvaluation(tables, labels: nab)
            for name in evaluation.unlabelled { printError("evaluate: \(name): no labels, skipped") }
            evaluation.lines.forEach(printLine)
            plotLabels = nab.windows[plotName] ?? []
        }
        if let column = labelsColumn {
            try PointwiseMetrics(tables, column: column, labelsOf: labelColumn).lines(files: names.count).forEach(printLine)
        }
        if let plot {
            guard let table = tables.first(where: { $0.name == plotName })?.table else {
                throw CommandFailure("--plot-file \(plotName) is not a results file under \(results)")
            }
            let points = try labelsColumn.flatMap { try table.column(named: $0) ?? labelColumn(plotName) }
            let svg = ResultsPlot(title: plotName, table: table, windows: plotLabels,
                                  pointLabels: points?.map { $0 == 1 }).svg()
            try writeOutput(svg, to: plot)
        }
    }
}
