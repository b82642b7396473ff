import Foundation  // reading the file; parsing itself is plain Swift

/// Reads CSV input as SPEC §6 describes: a header row; `,` or `;` separated (whichever the
/// header uses more); a time column named `timestamp` or `datetime` (see ``TimestampParser``);
/// every other column whose cells are all numbers (empty, `nan` and `null` are missing values)
/// is a field, unless ``fields`` selects or ``exclude`` drops columns.
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
    public func parse(_ text: String) throws -> CSVTable {
        // `\r\n` is one Character in Swift, so split on every kind of line break, not on "\n".
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).lazy.enumerated()
            .map { (number: $0.offset + 1, text: $0.element) }
            .filter { !$0.text.allSatisfy(\.isWhitespace) }
            .makeIterator()
        guard let header = lines.next() else { throw CSVError(line: 1, message: "no header row") }
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

        var timestamps: [Double] = []
        var lineNumbers: [Int] = []
        var columns = [[Double]](repeating: [], count: names.count)
        var firstNonNumeric = [(line: Int, text: String)?](repeating: nil, count: names.count)
        while let line = lines.next() {
            let cells = try Self.cells(of: line.text, separator: separator, line: line.number)
            guard cells.count == names.count else {
                throw CSVError(
                    line: line.number, message: "expected \(names.count) columns, found \(cells.count)")
            }
            let timeText = cells[timeIndex].trimmingCharacters(in: .whitespaces)
            guard let time = TimestampParser.seconds(from: timeText) else {
                throw CSVError(
                    line: line.number, message: "column '\(names[timeIndex])': cannot read '\(timeText)' as a time")
            }
            timestamps.append(time)
            lineNumbers.append(line.number)
            for (index, cell) in cells.enumerated() where index != timeIndex {
                if let value = Self.number(cell) {
                    columns[index].append(value)
                } else {
                    columns[index].append(.nan)
                    if firstNonNumeric[index] == nil { firstNonNumeric[index] = (line.number, String(cell)) }
                }
            }
        }

        let selected: [Int]
        if fields.isEmpty {
            selected = names.indices.filter {
                $0 != timeIndex && firstNonNumeric[$0] == nil && !exclude.contains(names[$0])
            }
        } else {
            selected = fields.filter { !exclude.contains($0) }.map { names.firstIndex(of: $0)! }
            if let index = selected.first(where: { $0 == timeIndex }) {
                throw CSVError(line: header.number, message: "'\(names[index])' is the time column, not a field")
            }
            if let index = selected.first(where: { firstNonNumeric[$0] != nil }), let bad = firstNonNumeric[index] {
                throw CSVError(line: bad.line, message: "field column '\(names[index])': '\(bad.text)' is not a number")
            }
        }
        guard !selected.isEmpty else {
            throw CSVError(line: header.number, message: "no numeric field columns")
        }

        var values: [Double] = []
        values.reserveCapacity(timestamps.count * selected.count)
        for row in timestamps.indices {
            for column in selected { values.append(columns[column][row]) }
        }
        var others: [String: [Double]] = [:]
        let unused = names.indices.filter { $0 != timeIndex && !selected.contains($0) && firstNonNumeric[$0] == nil }
        for index in unused {
            others[names[index]] = columns[index]
        }
        return CSVTable(
            timeColumn: names[timeIndex], fieldNames: selected.map { names[$0] }, timestamps: timestamps,
            values: values, otherColumns: others, lineNumbers: lineNumbers)
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
