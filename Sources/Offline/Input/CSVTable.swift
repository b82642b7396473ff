/// A time series read from CSV (docs/DESIGN.md §6): one timestamp per row and the values of the selected
/// numeric columns (the fields), plus the other numeric columns (labels such as SKAB's
/// `anomaly`) kept aside for evaluation.
public struct CSVTable: Equatable, Sendable {
    /// The name of the time column as written in the header (`timestamp` or `datetime`).
    public var timeColumn: String
    /// The field columns, in header order.
    public var fieldNames: [String]
    /// Seconds since the epoch, one per row, in file order.
    public var timestamps: [Double]
    /// Row-major `[rowCount × fieldNames.count]` values; NaN is a missing value.
    public var values: [Double]
    /// Numeric columns that are not fields (excluded or not selected), by name.
    public var otherColumns: [String: [Double]]
    /// The 1-based line in the file of each row (for messages about rows).
    public var lineNumbers: [Int]
    /// The unit the time column's epoch numbers were read in; nil when it holds dates only.
    public var epochUnit: EpochUnit?

    /// Creates a table; `values.count` must be `timestamps.count × fieldNames.count`.
    public init(
        timeColumn: String, fieldNames: [String], timestamps: [Double], values: [Double],
        otherColumns: [String: [Double]] = [:], lineNumbers: [Int]? = nil, epochUnit: EpochUnit? = nil
    ) {
        precondition(values.count == timestamps.count * fieldNames.count, "values do not fill the rows")
        self.timeColumn = timeColumn
        self.fieldNames = fieldNames
        self.timestamps = timestamps
        self.values = values
        self.otherColumns = otherColumns
        self.lineNumbers = lineNumbers ?? timestamps.indices.map { $0 + 2 }
        self.epochUnit = epochUnit
    }

    /// The number of data rows.
    public var rowCount: Int { timestamps.count }

    /// The field values of one row.
    public func row(_ index: Int) -> ArraySlice<Double> {
        let width = fieldNames.count
        return values[(index * width)..<((index + 1) * width)]
    }

    /// Every value of a column — a field or another numeric column — or nil if there is none.
    public func column(named name: String) -> [Double]? {
        if let field = fieldNames.firstIndex(of: name) {
            let width = fieldNames.count
            return (0..<rowCount).map { values[$0 * width + field] }
        }
        return otherColumns[name]
    }
}
