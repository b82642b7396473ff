/// Parses the timestamps of CSV input and NAB labels into seconds since the Unix epoch.
///
/// Accepted: epoch seconds (`1700000000`, `1700000000.25`; CSV input reads epoch numbers in the
/// unit of ``EpochUnit`` instead); ISO 8601 / RFC 3339 dates with a `T`
/// or a space before the time (`2014-04-10 07:15:00`, `2014-04-10T07:15:00.000000Z`,
/// `2020-03-09 10:14:33+03:00`), seconds optional, any number of fractional digits, and a date
/// alone (midnight). A time without an offset is UTC. Hand-written (no `DateFormatter`): it runs
/// once per CSV row.
public enum TimestampParser {
    /// Parses `text`, or returns nil when it is neither form.
    public static func seconds(from text: Substring) -> Double? {
        if isDateShaped(text) { return date(from: text) }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// Parses `text` as a date, or returns nil when it is not one (an epoch number included).
    public static func date(from text: Substring) -> Double? {
        isDateShaped(text) ? iso8601(Array(text.utf8)) : nil
    }

    /// Whether `text` starts as `YYYY-MM-DD` does.
    private static func isDateShaped(_ text: Substring) -> Bool {
        let bytes = text.utf8
        guard bytes.count >= 10 else { return false }
        let fifth = bytes.index(bytes.startIndex, offsetBy: 4), eighth = bytes.index(fifth, offsetBy: 3)
        return bytes[fifth] == UInt8(ascii: "-") && bytes[eighth] == UInt8(ascii: "-")
    }

    /// Parses `text`, or returns nil when it is neither form.
    public static func seconds(from text: String) -> Double? { seconds(from: text[...]) }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's algorithm).
    public static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func iso8601(_ b: [UInt8]) -> Double? {
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= b.count else { return nil }
            var value = 0
            for _ in 0..<count {
                let digit = Int(b[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
                index += 1
            }
            return value
        }
        func expect(_ ascii: Unicode.Scalar) -> Bool {
            guard index < b.count, b[index] == UInt8(ascii: ascii) else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = Double(daysSinceEpoch(year: year, month: month, day: day) * 86_400)
        guard index < b.count else { return seconds }
        guard b[index] == UInt8(ascii: "T") || b[index] == UInt8(ascii: " ") || b[index] == UInt8(ascii: "t")
        else { return nil }
        index += 1
        guard let hour = digits(2), expect(":"), let minute = digits(2), hour < 24, minute < 60 else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if expect(":") {
            guard let second = digits(2), second <= 60 else { return nil }
            seconds += Double(second)
            if index < b.count, b[index] == UInt8(ascii: ".") || b[index] == UInt8(ascii: ",") {
                index += 1
                var scale = 0.1
                var fraction = 0.0
                let start = index
                while index < b.count, (48...57).contains(b[index]) {
                    fraction += Double(b[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
                guard index > start else { return nil }
                seconds += fraction
            }
        }
        guard index < b.count else { return seconds }
        if b[index] == UInt8(ascii: "Z") || b[index] == UInt8(ascii: "z") {
            index += 1
        } else if b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-") {
            let sign = b[index] == UInt8(ascii: "+") ? 1.0 : -1.0
            index += 1
            guard let offsetHours = digits(2) else { return nil }
            _ = expect(":")
            guard let offsetMinutes = digits(2) else { return nil }
            seconds -= sign * Double(offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        return index == b.count ? seconds : nil
    }
}
