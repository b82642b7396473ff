import Detector

/// A table's rows as the daemon's JSON records, `{"series":S,"ts":T,"fields":{...}}` with the
/// file's own timestamps and `null` for a missing value — what `anomalyd replay` publishes.
/// Strings and numbers are written as the daemon writes its alerts (``AlertJSONEncoder``).
public struct RecordLines {
    private let table: CSVTable
    private let prefix: [UInt8]
    private let names: [[UInt8]]

    /// The records of `table` under the series key `series`.
    public init(_ table: CSVTable, series: String) {
        self.table = table
        var prefix = Array(#"{"series":"#.utf8)
        AlertJSONEncoder.appendString(series, to: &prefix)
        prefix += Array(#","ts":"#.utf8)
        self.prefix = prefix
        names = table.fieldNames.map { name in
            var bytes: [UInt8] = []
            AlertJSONEncoder.appendString(name, to: &bytes)
            return bytes + [UInt8(ascii: ":")]
        }
    }

    /// The number of records.
    public var count: Int { table.rowCount }

    /// Appends row `row` as one JSON line, with its newline, to `out`.
    public func append(_ row: Int, to out: inout [UInt8]) {
        out += prefix
        AlertJSONEncoder.appendNumber(table.timestamps[row], to: &out)
        out += Array(#","fields":{"#.utf8)
        for (index, value) in table.row(row).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += names[index]
            AlertJSONEncoder.appendNumber(value, to: &out)  // NaN, a missing value: null
        }
        out += Array("}}\n".utf8)
    }
}
