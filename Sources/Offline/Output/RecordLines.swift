/// A table's rows as the daemon's JSON records, `{"series":S,"ts":T,"fields":{...}}` with the
/// file's own timestamps and `null` for a missing value — what `anomalyd replay` publishes.
public struct RecordLines {
    private let table: CSVTable
    private let prefix: String
    private let names: [String]

    /// The records of `table` under the series key `series`.
    public init(_ table: CSVTable, series: String) {
        self.table = table
        prefix = "{\"series\":" + Self.quoted(series) + ",\"ts\":"
        names = table.fieldNames.map(Self.quoted)
    }

    /// The number of records.
    public var count: Int { table.rowCount }

    /// Row `row` as one JSON line, without the newline.
    public func line(_ row: Int) -> String {
        var line = prefix + "\(table.timestamps[row]),\"fields\":{"
        for (index, value) in table.row(row).enumerated() {
            if index > 0 { line += "," }
            line += names[index] + ":" + (value.isFinite ? "\(value)" : "null")
        }
        return line + "}}"
    }

    /// A JSON string literal with the escapes RFC 8259 requires.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
