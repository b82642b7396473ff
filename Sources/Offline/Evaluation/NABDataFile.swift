/// One data file's detector output, ready for NAB scoring.
public struct NABDataFile: Sendable {
    /// The file's relative path, e.g. `realTraffic/speed_6005.csv`.
    public var name: String
    /// Row timestamps in seconds, ascending.
    public var timestamps: [Double]
    /// The detector's anomaly score per row, in [0, 1].
    public var anomalyScores: [Double]
    /// The file's labelled windows.
    public var windows: [LabelledWindow]

    /// Creates a data file; `anomalyScores` has one score per timestamp.
    public init(name: String, timestamps: [Double], anomalyScores: [Double], windows: [LabelledWindow]) {
        precondition(timestamps.count == anomalyScores.count, "one anomaly score per row")
        self.name = name
        self.timestamps = timestamps
        self.anomalyScores = anomalyScores
        self.windows = windows
    }

    /// Reads a detector's results table (`anomalyd detect` output or a NAB results file): its
    /// timestamps and its `anomaly_score` column.
    /// - Throws: ``CSVError`` when the table has no `anomaly_score` column.
    public init(name: String, results: CSVTable, windows: [LabelledWindow]) throws {
        guard let scores = results.column(named: "anomaly_score") else {
            throw CSVError(line: 1, message: "\(name): no anomaly_score column")
        }
        self.init(
            name: name, timestamps: results.timestamps, anomalyScores: scores.map { $0.isNaN ? 0 : $0 },
            windows: windows)
    }
}
