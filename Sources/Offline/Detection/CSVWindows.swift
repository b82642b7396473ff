import Detector

/// The complete windows of a CSV file, built as the detector builds them: each row is placed on
/// the series' time grid by a ``SeriesWindow`` (step configured or inferred, skipped steps
/// missing, duplicate and late rows dropped), and every row that opens a new step of a full
/// window ends one window.
public struct CSVWindows {
    /// Fields per step.
    public let fields: Int
    /// Steps per window.
    public let width: Int
    /// For each window, the index of the CSV row that completed it.
    public private(set) var rows: [Int] = []
    /// Raw values, (count, width × fields), oldest step first; missing entries 0.
    public private(set) var values: [Float] = []
    /// 1 observed, 0 missing, same shape.
    public private(set) var mask: [Float] = []

    /// Number of windows.
    public var count: Int { rows.count }
    /// Values per window.
    public var size: Int { width * fields }

    /// The windows of `table` (all its fields) of `width` steps, on a grid of `step` seconds
    /// (inferred when nil).
    public init(table: CSVTable, width: Int, step: Double?) {
        fields = table.fieldNames.count
        self.width = width
        var window = SeriesWindow(width: width, fieldCount: fields, step: step)
        let D = width * fields
        var v = [Float](repeating: 0, count: D), m = v
        for r in 0..<table.rowCount {
            switch window.insert(timestamp: table.timestamps[r], fields: table.row(r)) {
            case .appended, .reset: break
            case .updated, .buffered, .duplicate, .late: continue
            }
            guard window.isFull else { continue }
            v.withUnsafeMutableBufferPointer { vp in
                m.withUnsafeMutableBufferPointer { mp in _ = window.copyWindow(into: vp, observed: mp) }
            }
            rows.append(r)
            values += v
            mask += m
        }
    }

    /// The windows scaled by `scaler` as the detector scales them for scoring (unclipped,
    /// non-finite results 0, bounded at ±10⁶); missing entries stay 0.
    public func normalized(by scaler: RobustScaler) -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        for i in values.indices where mask[i] > 0 {
            let scaled = scaler.scaled(values[i], field: i % fields)
            out[i] = scaled.isFinite ? min(max(scaled, -1e6), 1e6) : 0
        }
        return out
    }
}
