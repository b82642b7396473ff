import Detector
import Foundation  // String(format:)

/// A grid of window length, latent size, β and false-alarm rate: every combination is run over
/// labelled tables by ``OfflineDetector`` — the very code of `anomalyd detect` — and scored as
/// `anomalyd evaluate` scores (``NABEvaluation``, ``PointwiseMetrics``). What `anomalyd tune` runs.
///
/// Scores of a grid searched on the same files it is scored on are optimistic: keep files aside
/// to check the winner.
public struct GridSearch: Sendable {
    /// The metrics a grid can be ranked by.
    public enum Metric: String, CaseIterable, Sendable {
        case nabStandard = "nab-standard", nabLowFP = "nab-low-fp", nabLowFN = "nab-low-fn"
        case eventF1 = "event-f1", pointF1 = "point-f1"

        /// Whether the metric needs NAB label windows (all but `point-f1`).
        public var needsNABLabels: Bool { self != .pointF1 }
    }

    /// One grid point and its metrics (absent where the labels do not allow one).
    public struct Trial: Sendable {
        /// Steps per window.
        public var window: Int
        /// Latent dimensions.
        public var latent: Int
        /// The KL weight.
        public var beta: Double
        /// False alarms per series and day.
        public var falseAlarms: Double
        /// The metrics measured for this point.
        public var metrics: [Metric: Double] = [:]

        /// `base` with this point's values.
        public func configured(_ base: GroupConfiguration) -> GroupConfiguration {
            var group = base
            group.window = window
            group.vae.latent = latent
            group.vae.beta = beta
            group.threshold.falseAlarmsPerDay = falseAlarms
            group.scoring.recentSteps = min(group.scoring.recentSteps, group.window)
            return group
        }
    }

    /// The grid, in order: window, then latent, β, false-alarm rate.
    public let trials: [Trial]

    /// The grid of every combination of the values given.
    public init(windows: [Int], latents: [Int], betas: [Double], falseAlarms: [Double]) {
        var trials: [Trial] = []
        for w in windows { for l in latents { for b in betas { for r in falseAlarms {
            trials.append(Trial(window: w, latent: l, beta: b, falseAlarms: r))
        } } } }
        self.trials = trials
    }

    /// Runs every grid point over `inputs` and returns the trials best first by `metric` (equal
    /// scores keep the grid's order).
    /// - Parameters:
    ///   - labels: NAB windows by table name, for the NAB and event metrics.
    ///   - labelsColumn: the 0/1 column of each table, for `point-f1`.
    ///   - rowsDone: called with the rows run so far, over all trials.
    public func run(base: GroupConfiguration, inputs: [NamedTable], trainRows: Int?, labels: NABLabels?,
                    labelsColumn: String?, rankedBy metric: Metric, rowsDone: (Int) -> Void = { _ in }) throws
        -> [Trial]
    {
        var done = 0
        var results: [Trial] = []
        for var trial in trials {
            let detector = OfflineDetector(group: trial.configured(base), trainRows: trainRows)
            var outputs: [NamedTable] = []
            for input in inputs {
                let collector = try detector.run(input.table) { rowsDone(done + $0) }
                done += input.table.rowCount
                var columns = ["anomaly_score": collector.scores, "alert": collector.alerts.map { $0 ? 1.0 : 0.0 }]
                if let labelsColumn, let actual = input.table.column(named: labelsColumn) { columns[labelsColumn] = actual }
                outputs.append(NamedTable(name: input.name, table: CSVTable(
                    timeColumn: "timestamp", fieldNames: [], timestamps: input.table.timestamps, values: [],
                    otherColumns: columns)))
            }
            if let labels {
                let evaluation = try NABEvaluation(outputs, labels: labels)
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
                trial.metrics[.pointF1] = try PointwiseMetrics(outputs, column: labelsColumn) { _ in nil }.f1
            }
            results.append(trial)
        }
        return results.enumerated().sorted {
            let a = $0.element.metrics[metric] ?? -.infinity, b = $1.element.metrics[metric] ?? -.infinity
            return a != b ? a > b : $0.offset < $1.offset
        }.map(\.element)
    }

    /// A metric's value with four decimals, or `-` where there is none.
    public static func format(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: "%.4f", value)
    }

    /// The trials as CSV: `window,latent,beta,false_alarms,<metrics>`.
    public static func csv(_ trials: [Trial], metrics: [Metric]) -> String {
        var text = (["window", "latent", "beta", "false_alarms"] + metrics.map(\.rawValue)).joined(separator: ",") + "\n"
        for trial in trials {
            text += (["\(trial.window)", "\(trial.latent)", "\(trial.beta)", "\(trial.falseAlarms)"]
                + metrics.map { format(trial.metrics[$0]) }).joined(separator: ",") + "\n"
        }
        return text
    }
}
