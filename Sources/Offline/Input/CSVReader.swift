import Foundation  // reading the file; parsing itself is plain Swift

/// Reads CSV input as docs/DESIGN.md §6 describes: a header row; `,` or `;` separated (whichever the
/// header uses more); a time column named `timestamp` or `datetime` (dates as ``TimestampParser``
/// reads them, or epoch numbers in the ``EpochUnit`` their magnitude gives), in ascending order;
/// every other column holding numbers (empty, `nan` and `null` are missing values) is a field,
/// unless ``fields`` selects or ``exclude`` drops columns. A column of text is not a field; a
/// non-number in a column of numbers is an error naming its line and column.
public struct CSVReader: Sendable {
    /// The columns to use as fields, in this order; empty means every numeric column.
    public var fields: [String]
    /// Columns never used as fields (they stay available in ``CSVTable/otherColumns``).
    public var exclude: [String]

    /// Creates a reader with a field selection (`--fields`) and exclusions (`--exclude`).
    public init(fields: [String] = [], exclude: [String] = []) {
        self.fields = fields
        self.exclude = exclude
    }

    /// Reads the file at `path`.
    public func read(contentsOf path: String) throws -> CSVTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CSVError(line: 0, message: "cannot read \(path)")
        }
        return try parse(String(decoding: data, as: UTF8.self))
    }

    /// Parses CSV text.
    /// - Throws: ``CSVError`` naming the line, and the column where there is one: an empty file, a
    ///   header without data rows, a row with another number of cells, a time that cannot be read,
    ///   is out of range or goes backwards, or a cell that is not a number in a numeric field column.
    public func parse(_ text: String) throws -> CSVTable {
        // `\r\n` is one Character in Swift, so split on every kind of line break, not on "\n".
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).lazy.enumerated()
            .map { (number: $0.offset + 1, text: $0.element) }
            .filter { !$0.text.allSatisfy(\.isWhitespace) }
            .makeIterator()
        guard let header = lines.next() else {
            throw CSVError(line: 0, message: "the file is empty: expected a header row, then one row per time")
        }
        var headerText = header.text
        if headerText.hasPrefix("\u{FEFF}") { headerText = headerText.dropFirst() }
        let separator: Character =
            headerText.filter { $0 == ";" }.count > headerText.filter { $0 == "," }.count ? ";" : ","
        let names = try Self.cells(of: headerText, separator: separator, line: header.number)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard let timeIndex = names.firstIndex(where: { ["timestamp", "datetime"].contains($0.lowercased()) })
        else {
            throw CSVError(line: header.number, message: "no time column: expected one named timestamp or datetime")
        }
        for name in fields where !names.contains(name) {
            throw CSVError(line: header.number, message: "field column '\(name)' is not in the header")
        }

        var times = TimeColumn(name: names[timeIndex])
        var lineNumbers: [Int] = []
        var columns = [[Double]](repeating: [], count: names.count)
        var hasNumber = [Bool](repeating: false, count: names.count)
        var firstNonNumeric = [(line: Int, text: String)?](repeating: nil, count: names.count)
        while let line = lines.next() {
            let cells = try Self.cells(of: line.text, separator: separator, line: line.number)
            guard cells.count == names.count else {
                throw CSVError(
                    line: line.number, message: "expected \(names.count) columns, found \(cells.count)")
            }
            try times.append(cells[timeIndex].trimmingCharacters(in: .whitespaces), line: line.number)
            lineNumbers.append(line.number)
            for (index, cell) in cells.enumerated() where index != timeIndex {
                if let value = Self.number(cell) {
                    columns[index].append(value)
                    if !value.isNaN { hasNumber[index] = true }
                } else {
                    columns[index].append(.nan)
                    if firstNonNumeric[index] == nil { firstNonNumeric[index] = (line.number, String(cell)) }
                }
            }
        }
        guard !lineNumbers.isEmpty else {
            throw CSVError(line: header.number, message: "a header and no data rows")
        }

        // A column of text (no number in it) is not a field; a column of numbers with a cell
        // that is not one is a mistake in that cell, not a text column.
        let numeric = names.indices.map { firstNonNumeric[$0] == nil }
        let selected: [Int]
        if fields.isEmpty {
            selected = names.indices.filter {
                $0 != timeIndex && (numeric[$0] || hasNumber[$0]) && !exclude.contains(names[$0])
            }
        } else {
            selected = fields.filter { !exclude.contains($0) }.map { names.firstIndex(of: $0)! }
            if let index = selected.first(where: { $0 == timeIndex }) {
                throw CSVError(line: header.number, message: "'\(names[index])' is the time column, not a field")
            }
        }
        if let index = selected.first(where: { !numeric[$0] }), let bad = firstNonNumeric[index] {
            throw CSVError(line: bad.line, message: "column '\(names[index])': '\(bad.text)' is not a number"
                + " (a missing value is an empty cell, nan or null)")
        }
        guard !selected.isEmpty else {
            throw CSVError(line: header.number, message: "no numeric field columns")
        }

        var values: [Double] = []
        values.reserveCapacity(lineNumbers.count * selected.count)
        for row in lineNumbers.indices {
            for column in selected {
                let value = columns[column][row]
                // Windows hold Floats: such a value would become infinite there (the daemon
                // rejects the record as out_of_range; here the whole input is refused, saying where).
                if abs(value) > Double(Float.greatestFiniteMagnitude) {
                    throw CSVError(line: lineNumbers[row], message: "column '\(names[column])': \(value) is beyond"
                        + " the range of a 32-bit float (±3.4e38), which the detector's windows are kept in")
                }
                values.append(value)
            }
        }
        var others: [String: [Double]] = [:]
        for index in names.indices where index != timeIndex && !selected.contains(index) && numeric[index] {
            others[names[index]] = columns[index]
        }
        return CSVTable(
            timeColumn: names[timeIndex], fieldNames: selected.map { names[$0] }, timestamps: times.seconds,
            values: values, otherColumns: others, lineNumbers: lineNumbers, epochUnit: times.unit)
    }

    /// A cell's number; empty, `nan`, `null` and `NA` are missing (NaN); nil if not a number.
    static func number(_ cell: Substring) -> Double? {
        let text = cell.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .nan }
        if let value = Double(text) { return value.isFinite ? value : .nan }
        switch text.lowercased() {
        case "nan", "null", "na", "none": return .nan
        default: return nil
        }
    }

    /// Splits one line into cells; `"…"` quotes a cell (with `""` for a quote inside).
    static func cells(of line: Substring, separator: Character, line number: Int) throws -> [Substring] {
        guard line.contains("\"") else { return line.split(separator: separator, omittingEmptySubsequences: false) }
        var cells: [Substring] = []
        var current = ""
        var inQuotes = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if inQuotes {
                if character == "\"" {
                    let next = line.index(after: index)
                    if next < line.endIndex && line[next] == "\"" {
                        current.append("\"")
                        index = next
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                inQuotes = true
            } else if character == separator {
                cells.append(Substring(current))
                current = ""
            } else {
                current.append(character)
            }
            index = line.index(after: index)
        }
        guard !inQuotes else { throw CSVError(line: number, message: "unterminated quoted cell") }
        cells.append(Substring(current))
        return cells
    }
}
