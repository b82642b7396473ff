import Foundation  // String(format:)

extension PointwiseMetrics {
    /// Point-wise metrics of results tables' `alert` column against a 0/1 label column, taken
    /// from the table itself or else from `labelsOf(name)` (the data file) — SKAB's protocol.
    /// - Throws: when a table has no label per row or no `alert` column.
    public init(_ tables: [NamedTable], column: String, labelsOf: (String) throws -> [Double]?) throws {
        self.init()
        for named in tables {
            let (name, table) = (named.name, named.table)
            guard let actual = try table.column(named: column) ?? labelsOf(name), actual.count == table.rowCount else {
                throw CSVError(line: 0, message: "\(name): no '\(column)' column with one label per row")
            }
            let predicted = (table.column(named: "alert") ?? []).map { $0 == 1 }
            guard predicted.count == table.rowCount else { throw CSVError(line: 1, message: "\(name): no alert column") }
            add(PointwiseMetrics(predicted: predicted, actual: actual.map { $0 == 1 }))
        }
    }

    /// The report over `files` files, one `name value unit` line per figure.
    public func lines(files: Int) -> [String] {
        ["pointwise.precision \(String(format: "%.4f", precision)) ratio",
         "pointwise.recall \(String(format: "%.4f", recall)) ratio",
         "pointwise.f1 \(String(format: "%.4f", f1)) ratio",
         "pointwise.files \(files) files"]
    }
}
