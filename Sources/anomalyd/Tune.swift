import ArgumentParser
import Daemon
import Detector
import Foundation
import Offline

/// `anomalyd tune`: searches window, latent size, β and false-alarm rate on a labelled set and
/// reports the best combination by a chosen metric (issue 4).
///
/// The search is a ``GridSearch``: each combination runs ``OfflineDetector`` (the very code of
/// `detect`) over every file and scores the results with `evaluate`'s code.
///
/// Tuning on labelled data is a separate use from `Config/nab.toml`, whose rule is one
/// configuration for every file with no per-file tuning: a configuration tuned on a benchmark's
/// labels and then scored on the same files overstates what it will do on new data.
struct Tune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search window, latent size, β and false-alarm rate on labelled files; report the best.",
        discussion: """
            Runs `detect` over every FILE for each combination of the grid and scores the results
            as `evaluate` does: NAB labels (--labels combined_windows.json, whose keys match the
            ends of the FILE paths) for nab-standard, nab-low-fp, nab-low-fn and event-f1, or a
            0/1 label column of the files (--labels-column anomaly, as in SKAB) for point-f1.
            Prints every combination sorted by the metric, then the best as a TOML snippet.

            The default grid is small (window 32,64 × latent 4,8; β and false-alarm rate from the
            base configuration): every combination is a full run over every file.

            Tuning on labelled data is not how Config/nab.toml is scored: there one configuration
            serves every file and nothing is tuned per file. Scores of a grid searched on the same
            files it is scored on are optimistic; keep files aside to check the winner.
            """)

    typealias Metric = GridSearch.Metric

    @Argument(help: "Labelled CSV files.")
    var files: [String]

    @Option(name: .long, help: "Base configuration; its first [[group]] is the starting point (default: detect's).")
    var config: String?

    @Option(name: .long, help: "Metric to rank by: \(Metric.allCases.map(\.rawValue).joined(separator: ", ")).")
    var metric: Metric = .nabStandard

    @Option(name: .long, help: "NAB label windows (combined_windows.json).")
    var labels: String?

    @Option(name: .customLong("labels-column"), help: "Point-wise labels: the 0/1 column of each file (e.g. anomaly); never a field.")
    var labelsColumn: String?

    @Option(name: .long, help: "Window lengths to try (comma-separated).")
    var window: String = "32,64"

    @Option(name: .long, help: "Latent sizes to try.")
    var latent: String = "4,8"

    @Option(name: .long, help: "KL weights β to try (default: the base configuration's).")
    var beta: String?

    @Option(name: .customLong("false-alarms"), help: "False alarms per series and day to try (default: the base configuration's).")
    var falseAlarms: String?

    @Option(name: .customLong("train-rows"), help: "As detect: train once on the first N rows of each file, then freeze.")
    var trainRows: Int?

    @Option(name: .long, help: "Comma-separated field columns to use.")
    var fields: String?

    @Option(name: .long, help: "Comma-separated columns to drop (labels such as anomaly,changepoint).")
    var exclude: String?

    @Option(name: .long, help: "Write every combination's metrics as CSV.")
    var out: String?

    @Option(name: .customLong("write-config"), help: "Write the base group with the best values as a configuration file.")
    var writeConfig: String?

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one labelled CSV file") }
        if metric.needsNABLabels && labels == nil { throw ValidationError("--metric \(metric.rawValue) needs --labels") }
        if metric == .pointF1 && labelsColumn == nil { throw ValidationError("--metric point-f1 needs --labels-column") }
        if let trainRows, trainRows < 2 { throw ValidationError("--train-rows must be at least 2") }
        _ = try grid(base: GroupConfiguration())
    }

    func run() throws {
        try runReportingFailure("tune") { try tune() }
    }

    private func tune() throws {
        let base = try ModelCommand.group(config: config)
        let search = try grid(base: base)
        var exclusions = ModelCommand.list(exclude)
        if let labelsColumn, !exclusions.contains(labelsColumn) { exclusions.append(labelsColumn) }
        let reader = CSVReader(fields: ModelCommand.list(fields), exclude: exclusions)
        let nabLabels = try labels.map { try NABLabels(contentsOf: $0) }
        var inputs: [NamedTable] = []
        for path in files {
            let name = nabLabels?.key(matching: path) ?? path
            // NAB metrics only count labelled files: do not spend runs on the others.
            if let nabLabels, nabLabels.windows[name] == nil, labelsColumn == nil {
                printError("tune: \(path): no labels, skipped")
                continue
            }
            inputs.append(NamedTable(name: name, table: try reader.read(contentsOf: path)))
        }
        if let nabLabels, !inputs.contains(where: { nabLabels.windows[$0.name] != nil }) {
            throw CommandFailure("no file matches a key of \(labels ?? "")")
        }
        let rows = inputs.reduce(0) { $0 + $1.table.rowCount }
        let progress = Progress(label: "tune", total: rows * search.trials.count)
        let ranked = try search.run(base: base, inputs: inputs, trainRows: trainRows, labels: nabLabels,
                                    labelsColumn: labelsColumn, rankedBy: metric) { progress.update($0) }
        progress.finish()
        report(ranked, files: inputs.count)
        if let out { try writeOutput(GridSearch.csv(ranked, metrics: shownMetrics), to: out) }
        if let writeConfig, let best = ranked.first {
            let text = "# Written by anomalyd tune: best \(metric.rawValue) \(GridSearch.format(best.metrics[metric]))"
                + " on \(inputs.count) labelled files.\n# Tuned on labelled data: not Config/nab.toml's"
                + " one-config, no-per-file-tuning rule.\n\n" + best.configured(base).toml
            _ = try Configuration.parse(text, source: writeConfig)  // what is written must read back
            try writeOutput(text, to: writeConfig)
        }
    }

    /// The metrics the labels allow, the ranking one first.
    private var shownMetrics: [Metric] {
        var shown: [Metric] = [metric]
        if labels != nil { shown += [.nabStandard, .nabLowFP, .nabLowFN, .eventF1] }
        if labelsColumn != nil { shown.append(.pointF1) }
        var seen = Set<Metric>()
        return shown.filter { seen.insert($0).inserted }
    }

    private func report(_ ranked: [GridSearch.Trial], files: Int) {
        let metrics = shownMetrics
        printLine((["rank", "window", "latent", "beta", "false_alarms"] + metrics.map(\.rawValue))
            .map { $0.padding(toLength: max($0.count, 8), withPad: " ", startingAt: 0) }.joined(separator: " "))
        for (rank, trial) in ranked.enumerated() {
            let cells = ["\(rank + 1)", "\(trial.window)", "\(trial.latent)", GridSearch.format(trial.beta),
                         "\(trial.falseAlarms)"] + metrics.map { GridSearch.format(trial.metrics[$0]) }
            let widths = [4, 6, 6, 4, 12] + metrics.map(\.rawValue.count)
            printLine(zip(cells, widths).map { $0.padding(toLength: max($1, 8), withPad: " ", startingAt: 0) }
                .joined(separator: " "))
        }
        guard let best = ranked.first else { return }
        printLine("")
        printLine("# best by \(metric.rawValue) = \(GridSearch.format(best.metrics[metric])) over \(files) files"
            + " (tuned on these labels: check it on files it was not tuned on)")
        printLine("[[group]]\nwindow = \(best.window)\n\n[group.vae]\nlatent = \(best.latent)\nbeta = \(best.beta)"
            + "\n\n[group.threshold]\nfalse_alarms_per_day = \(best.falseAlarms)")
    }

    /// The grid of the options' values.
    private func grid(base: GroupConfiguration) throws -> GridSearch {
        func ints(_ text: String, _ name: String, _ range: ClosedRange<Int>) throws -> [Int] {
            try ModelCommand.list(text).map {
                guard let n = Int($0), range.contains(n) else { throw ValidationError("--\(name): \($0) is not in \(range)") }
                return n
            }
        }
        let windows = try ints(window, "window", 2...100_000)
        let latents = try ints(latent, "latent", 1...1024)
        let betas = try beta.map { text in
            try ModelCommand.list(text).map {
                guard let b = Double($0), b >= 0, b <= 1000 else { throw ValidationError("--beta: \($0) is not in 0...1000") }
                return b
            }
        } ?? [base.vae.beta]
        let methods = try falseAlarms.map { text in
            try ModelCommand.list(text).map {
                guard let r = Double($0), r > 0, r <= 1e6 else {
                    throw ValidationError("--false-alarms: \($0) is not a rate in (0, 1e6]")
                }
                return r
            }
        } ?? [base.threshold.falseAlarmsPerDay]
        guard !windows.isEmpty, !latents.isEmpty, !betas.isEmpty, !methods.isEmpty else {
            throw ValidationError("every grid option needs at least one value")
        }
        return GridSearch(windows: windows, latents: latents, betas: betas, falseAlarms: methods)
    }
}

extension GridSearch.Metric: ExpressibleByArgument {}
