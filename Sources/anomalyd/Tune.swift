import ArgumentParser
import Daemon
import Detector
import Foundation

/// `anomalyd tune`: searches window, latent size, β and false-alarm rate on a labelled set and
/// reports the best combination by a chosen metric (issue 4).
///
/// Each combination runs the offline detector (``Detect/run(_:group:trainRows:model:series:rowDone:)``, the
/// very code of `detect`) over every file and scores the results with `evaluate`'s code
/// (``Evaluate/nab(_:labels:)``, ``Evaluate/pointwise(_:column:labelsOf:)``).
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

    /// The metrics a grid can be ranked by.
    enum Metric: String, ExpressibleByArgument, CaseIterable {
        case nabStandard = "nab-standard", nabLowFP = "nab-low-fp", nabLowFN = "nab-low-fn"
        case eventF1 = "event-f1", pointF1 = "point-f1"

        var needsNABLabels: Bool { self != .pointF1 }
    }

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

    /// One grid point and its metrics (NaN where the labels do not allow one).
    struct Trial {
        var window: Int, latent: Int, beta: Double, falseAlarms: Double
        var metrics: [Metric: Double] = [:]
    }

    private func tune() throws {
        let base = try ModelCommand.group(config: config)
        let trials = try grid(base: base)
        var exclusions = ModelCommand.list(exclude)
        if let labelsColumn, !exclusions.contains(labelsColumn) { exclusions.append(labelsColumn) }
        let reader = CSVReader(fields: ModelCommand.list(fields), exclude: exclusions)
        let nabLabels = try labels.map { try NABLabels(contentsOf: $0) }
        var inputs: [(name: String, table: CSVTable)] = []
        for path in files {
            let name = nabLabels.map { Self.labelKey(of: path, in: $0) } ?? path
            // NAB metrics only count labelled files: do not spend runs on the others.
            if let nabLabels, nabLabels.windows[name] == nil, labelsColumn == nil {
                printError("tune: \(path): no labels, skipped")
                continue
            }
            inputs.append((name, try reader.read(contentsOf: path)))
        }
        if let nabLabels, !inputs.contains(where: { nabLabels.windows[$0.name] != nil }) {
            throw CommandFailure("no file matches a key of \(labels ?? "")")
        }
        let rows = inputs.reduce(0) { $0 + $1.table.rowCount }
        let progress = Progress(label: "tune", total: rows * trials.count)
        var done = 0
        var results: [Trial] = []
        for var trial in trials {
            var group = base
            group.window = trial.window
            group.vae.latent = trial.latent
            group.vae.beta = trial.beta
            group.threshold.falseAlarmsPerDay = trial.falseAlarms
            group.scoring.recentSteps = min(group.scoring.recentSteps, group.window)
            var outputs: [(name: String, table: CSVTable)] = []
            for (name, table) in inputs {
                let collector = try Detect.run(table, group: group, trainRows: trainRows) { progress.update(done + $0) }
                done += table.rowCount
                var columns = ["anomaly_score": collector.scores, "alert": collector.alerts.map { $0 ? 1.0 : 0.0 }]
                if let labelsColumn, let actual = table.column(named: labelsColumn) { columns[labelsColumn] = actual }
                outputs.append((name, CSVTable(timeColumn: "timestamp", fieldNames: [], timestamps: table.timestamps,
                                               values: [], otherColumns: columns)))
            }
            if let nabLabels {
                let evaluation = try Evaluate.nab(outputs, labels: nabLabels)
                for result in evaluation.results {
                    switch result.profile {
                    case .standard: trial.metrics[.nabStandard] = result.normalizedScore
                    case .rewardLowFalsePositives: trial.metrics[.nabLowFP] = result.normalizedScore
                    case .rewardLowFalseNegatives: trial.metrics[.nabLowFN] = result.normalizedScore
                    default: break
                    }
                }
                trial.metrics[.eventF1] = evaluation.events.f1
            }
            if let labelsColumn {
                trial.metrics[.pointF1] = try Evaluate.pointwise(outputs, column: labelsColumn) { _ in nil }.f1
            }
            results.append(trial)
        }
        progress.finish()
        // Best first; equal scores keep the grid's order.
        let ranked = results.enumerated().sorted {
            let a = $0.element.metrics[metric] ?? -.infinity, b = $1.element.metrics[metric] ?? -.infinity
            return a != b ? a > b : $0.offset < $1.offset
        }.map(\.element)
        report(ranked, files: inputs.count)
        if let out { try write(Self.csv(ranked, metrics: shownMetrics), to: out) }
        if let writeConfig, let best = ranked.first {
            var group = base
            group.window = best.window
            group.vae.latent = best.latent
            group.vae.beta = best.beta
            group.threshold.falseAlarmsPerDay = best.falseAlarms
            group.scoring.recentSteps = min(group.scoring.recentSteps, group.window)
            let text = "# Written by anomalyd tune: best \(metric.rawValue) \(Self.format(best.metrics[metric]))"
                + " on \(inputs.count) labelled files.\n# Tuned on labelled data: not Config/nab.toml's"
                + " one-config, no-per-file-tuning rule.\n\n" + group.toml
            _ = try Configuration.parse(text, source: writeConfig)  // what is written must read back
            try write(text, to: writeConfig)
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

    private func report(_ ranked: [Trial], files: Int) {
        let metrics = shownMetrics
        printLine((["rank", "window", "latent", "beta", "false_alarms"] + metrics.map(\.rawValue))
            .map { $0.padding(toLength: max($0.count, 8), withPad: " ", startingAt: 0) }.joined(separator: " "))
        for (rank, trial) in ranked.enumerated() {
            let cells = ["\(rank + 1)", "\(trial.window)", "\(trial.latent)", Self.format(trial.beta),
                         "\(trial.falseAlarms)"] + metrics.map { Self.format(trial.metrics[$0]) }
            let widths = [4, 6, 6, 4, 12] + metrics.map(\.rawValue.count)
            printLine(zip(cells, widths).map { $0.padding(toLength: max($1, 8), withPad: " ", startingAt: 0) }
                .joined(separator: " "))
        }
        guard let best = ranked.first else { return }
        printLine("")
        printLine("# best by \(metric.rawValue) = \(Self.format(best.metrics[metric])) over \(files) files"
            + " (tuned on these labels: check it on files it was not tuned on)")
        printLine("[[group]]\nwindow = \(best.window)\n\n[group.vae]\nlatent = \(best.latent)\nbeta = \(best.beta)"
            + "\n\n[group.threshold]\nfalse_alarms_per_day = \(best.falseAlarms)")
    }

    /// The grid, in order: window, then latent, β, false-alarm rate.
    private func grid(base: GroupConfiguration) throws -> [Trial] {
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
        var trials: [Trial] = []
        for w in windows { for l in latents { for b in betas { for m in methods {
            trials.append(Trial(window: w, latent: l, beta: b, falseAlarms: m))
        } } } }
        return trials
    }

    /// The label key a file path ends with (`…/realTraffic/speed_6005.csv` → `realTraffic/speed_6005.csv`),
    /// or the path itself.
    static func labelKey(of path: String, in labels: NABLabels) -> String {
        if labels.windows[path] != nil { return path }
        return labels.windows.keys.filter { path.hasSuffix("/" + $0) }.max { $0.count < $1.count } ?? path
    }

    static func format(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: "%.4f", value)
    }

    static func csv(_ ranked: [Trial], metrics: [Metric]) -> String {
        var text = (["window", "latent", "beta", "false_alarms"] + metrics.map(\.rawValue)).joined(separator: ",") + "\n"
        for trial in ranked {
            text += (["\(trial.window)", "\(trial.latent)", "\(trial.beta)", "\(trial.falseAlarms)"]
                + metrics.map { format(trial.metrics[$0]) }).joined(separator: ",") + "\n"
        }
        return text
    }

    private func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw CommandFailure("cannot write \(path)")
        }
    }
}
