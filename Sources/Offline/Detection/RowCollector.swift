import Detector

/// The per-row results of an ``OfflineDetector`` run, collected from the detector's window results.
public final class RowCollector: DetectorSink {
    /// Per row, the anomaly score (0 for a row that ends no window).
    public private(set) var scores: [Double]
    /// Per row, whether an alert episode is open.
    public private(set) var alerts: [Bool]
    /// Per row, the window result of the window it completed (nil for a row that ends none).
    public private(set) var results: [WindowResult?]
    private var alertOpen = false

    /// Empty results for `rows` rows.
    public init(rows: Int) {
        scores = [Double](repeating: 0, count: rows)
        alerts = [Bool](repeating: false, count: rows)
        results = [WindowResult?](repeating: nil, count: rows)
    }

    public func detector(_ detector: StreamingDetector, scored result: WindowResult) {
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
