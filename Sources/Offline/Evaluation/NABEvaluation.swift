import Foundation  // String(format:)

/// Results tables scored against NAB labels: NAB's three profiles at their corpus-wide optimal
/// thresholds, each top-level category's raw score at those thresholds, and event-wise
/// precision/recall/F1 of the `alert` column — `anomalyd evaluate`.
public struct NABEvaluation: Sendable {
    /// One result per profile (standard, reward_low_FP, reward_low_FN).
    public var results: [NABResult]
    /// Per profile, in the order of ``results``, each top-level category's raw score at that
    /// profile's corpus-wide threshold.
    public var categories: [[NABCategoryScore]]
    /// Event-wise precision/recall/F1 of the `alert` column after the probationary period.
    public var events: EventMetrics
    /// Files scored.
    public var files: Int
    /// Tables without labels (left out).
    public var unlabelled: [String]

    /// Scores results tables (`anomaly_score` and `alert` columns) named by their label keys.
    /// - Throws: when no table has labels, or a table has no `anomaly_score` column.
    public init(_ tables: [NamedTable], labels: NABLabels) throws {
        var files: [NABDataFile] = []
        var events = EventMetrics()
        var unlabelled: [String] = []
        for named in tables {
            let (name, table) = (named.name, named.table)
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
        results = NABScorer.evaluate(files)
        categories = results.map { NABCategoryScore.categories(of: files, at: $0) }
        self.events = events
        self.files = files.count
        self.unlabelled = unlabelled
    }

    /// The report, one `name value unit` line per figure.
    public var lines: [String] {
        var lines = results.map { result in
            "nab.\(result.profile.name) \(String(format: "%.2f", result.normalizedScore)) score"
                + " (threshold \(String(format: "%.4f", result.best.threshold)), TP \(result.best.truePositives),"
                + " FP \(result.best.falsePositives), FN \(result.best.falseNegatives))"
        }
        for category in categories.joined() {
            lines.append("nab.\(category.profile.name).\(category.category) \(String(format: "%.2f", category.raw)) points"
                + " (null \(String(format: "%.2f", category.null)), perfect \(String(format: "%.2f", category.perfect)))")
        }
        lines.append("nab.files \(files) files")
        lines.append("events.precision \(String(format: "%.4f", events.precision)) ratio")
        lines.append("events.recall \(String(format: "%.4f", events.recall)) ratio")
        lines.append("events.f1 \(String(format: "%.4f", events.f1)) ratio")
        return lines
    }
}
