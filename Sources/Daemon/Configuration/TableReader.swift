import TOMLKit

/// Reads one TOML table key by key, recording every key it consumed, so that whatever is left
/// is an unknown key — reported with its full dotted path (a typo must never be silently ignored).
struct TableReader {
    let table: TOMLTable
    let path: String
    var problems: [ConfigurationProblem] = []
    private var consumed = Set<String>()

    init(table: TOMLTable, path: String) {
        self.table = table
        self.path = path
    }

    private func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func problem(_ key: String, _ message: String) {
        problems.append(ConfigurationProblem(key: keyPath(key), message: message))
    }

    /// Looks a key up and marks it consumed.
    private mutating func value(_ key: String) -> TOMLValueConvertible? {
        consumed.insert(key)
        return table[key]
    }

    /// Hands the raw value to `parse`, which calls the problem closure to reject it.
    mutating func custom(_ key: String, _ parse: (TOMLValueConvertible, (String) -> Void) -> Void) {
        guard let value = value(key) else { return }
        var message: String?
        parse(value) { message = $0 }
        if let message { problem(key, message) }
    }

    mutating func string(_ key: String, _ target: inout String, allowed: [String]? = nil, nonEmpty: Bool = false) {
        guard let value = value(key) else { return }
        guard let text = value.string else { return problem(key, "expected a string, found \(value.type)") }
        if let allowed, !allowed.contains(text) {
            return problem(key, "\"\(text)\" is not one of \(allowed.joined(separator: ", "))")
        }
        if nonEmpty && text.isEmpty { return problem(key, "must not be empty") }
        target = text
    }

    mutating func choice<C: RawRepresentable & CaseIterable>(_ key: String, _ target: inout C) where C.RawValue == String {
        var text = target.rawValue
        string(key, &text, allowed: C.allCases.map(\.rawValue))
        if let parsed = C(rawValue: text) { target = parsed }
    }

    mutating func strings(_ key: String, _ target: inout [String]) {
        guard let value = value(key) else { return }
        guard let array = value.array else { return problem(key, "expected an array of strings, found \(value.type)") }
        var result: [String] = []
        for (index, element) in array.enumerated() {
            guard let text = element.string else {
                return problem("\(key)[\(index)]", "expected a string, found \(element.type)")
            }
            result.append(text)
        }
        target = result
    }

    mutating func int(_ key: String, _ target: inout Int, range: ClosedRange<Int>) {
        guard let value = value(key) else { return }
        guard let number = value.int else { return problem(key, "expected an integer, found \(value.type)") }
        guard range.contains(number) else {
            return problem(key, "\(number) is out of range \(range.lowerBound)…\(range.upperBound)")
        }
        target = number
    }

    mutating func ints(_ key: String, _ target: inout [Int], range: ClosedRange<Int>) {
        guard let value = value(key) else { return }
        guard let array = value.array else { return problem(key, "expected an array of integers, found \(value.type)") }
        var result: [Int] = []
        for (index, element) in array.enumerated() {
            guard let number = element.int, range.contains(number) else {
                return problem("\(key)[\(index)]", "expected an integer in \(range.lowerBound)…\(range.upperBound)")
            }
            result.append(number)
        }
        target = result
    }

    mutating func double(_ key: String, _ target: inout Double, range: ClosedRange<Double>) {
        guard let value = value(key) else { return }
        // TOML integers are accepted where a number is expected: `beta = 1` means 1.0.
        guard let number = value.double ?? value.int.map(Double.init) else {
            return problem(key, "expected a number, found \(value.type)")
        }
        guard range.contains(number) else {
            return problem(key, "\(number) is out of range \(range.lowerBound)…\(range.upperBound)")
        }
        target = number
    }

    mutating func bool(_ key: String, _ target: inout Bool) {
        guard let value = value(key) else { return }
        guard let flag = value.bool else { return problem(key, "expected true or false, found \(value.type)") }
        target = flag
    }

    mutating func duration(_ key: String, _ target: inout Double) {
        guard let value = value(key) else { return }
        guard let text = value.string, let seconds = parseDuration(text) else {
            return problem(key, "expected a duration such as \"90s\", \"5m\" or \"1h\"")
        }
        target = seconds
    }

    /// Reads a sub-table with `body`, then reports its unknown keys.
    mutating func table(_ key: String, _ body: (inout TableReader) -> Void) {
        guard let value = value(key) else { return }
        guard let sub = value.table else { return problem(key, "expected a table, found \(value.type)") }
        var reader = TableReader(table: sub, path: keyPath(key))
        body(&reader)
        reader.reportUnknownKeys()
        problems += reader.problems
    }

    /// Reads an array of tables (`[[key]]`), or nil when absent.
    mutating func tables<T>(_ key: String, read: (inout TableReader) -> T) -> [T]? {
        guard let value = value(key) else { return nil }
        guard let array = value.array else { problem(key, "expected an array of tables ([[\(key)]])"); return nil }
        var result: [T] = []
        for (index, element) in array.enumerated() {
            guard let sub = element.table else {
                problem("\(key)[\(index)]", "expected a table")
                continue
            }
            var reader = TableReader(table: sub, path: "\(keyPath(key))[\(index)]")
            result.append(read(&reader))
            reader.reportUnknownKeys()
            problems += reader.problems
        }
        return result
    }

    /// A key that earlier versions read and this one no longer does: an error that says what
    /// replaced it, rather than "unknown key".
    mutating func removed(_ key: String, _ replacement: String) {
        guard value(key) != nil else { return }
        problem(key, "no longer a setting: \(replacement)")
    }

    /// Every key of this table that no reader consumed is an error.
    mutating func reportUnknownKeys() {
        for key in table.keys.sorted() where !consumed.contains(key) {
            problem(key, "unknown key")
        }
    }
}
