/// 0001-01-01T00:00:00Z, the first instant RFC 3339 can write.
private let earliestTimestamp: Double = -62_135_596_800
/// 10000-01-01T00:00:00Z, just past the last instant RFC 3339 can write.
private let latestTimestamp: Double = 253_402_300_800

/// Whether `seconds` is a usable timestamp: finite and within the years 1 to 9999. The
/// bound also catches the commonest producer mistake, milliseconds or nanoseconds sent
/// where seconds belong (1.7e12 s is the year 55,000).
@inline(__always)
func isValidTimestamp(_ seconds: Double) -> Bool {
    seconds >= earliestTimestamp && seconds < latestTimestamp
}

/// Parses an RFC 3339 date-time, `YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)`, into seconds
/// since the epoch. `T` may also be `t` or a space, `Z` may be `z`; a leap second (`:60`)
/// counts as the first second of the next minute. Returns `nil` for anything else.
func parseRFC3339(_ text: UnsafePointer<UInt8>, _ count: Int) -> Double? {
    var i = 0
    @inline(__always) func number(_ width: Int) -> Int? {
        guard i + width <= count else { return nil }
        var value = 0
        for k in 0..<width {
            let digit = text[i + k] &- 0x30
            if digit >= 10 { return nil }
            value = value * 10 + Int(digit)
        }
        i += width
        return value
    }
    @inline(__always) func separator(_ accepted: UInt8) -> Bool {
        guard i < count, text[i] == accepted else { return false }
        i += 1
        return true
    }
    @inline(__always) func dateTimeSeparator() -> Bool {
        guard i < count, text[i] | 0x20 == UInt8(ascii: "t") || text[i] == UInt8(ascii: " ") else { return false }
        i += 1
        return true
    }
    guard let year = number(4), separator(UInt8(ascii: "-")),
        let month = number(2), separator(UInt8(ascii: "-")),
        let day = number(2), dateTimeSeparator(),
        let hour = number(2), separator(UInt8(ascii: ":")),
        let minute = number(2), separator(UInt8(ascii: ":")),
        let second = number(2)
    else { return nil }
    guard month >= 1 && month <= 12, day >= 1 && day <= daysInMonth(year, month),
        hour <= 23, minute <= 59, second <= 60
    else { return nil }

    var fraction = 0.0
    if i < count && text[i] == UInt8(ascii: ".") {
        i += 1
        var digits: UInt64 = 0
        var scale = 1.0
        let start = i
        while i < count, text[i] &- 0x30 < 10 {
            if i - start < 18 {
                digits = digits * 10 + UInt64(text[i] &- 0x30)
                scale *= 10
            }
            i += 1
        }
        if i == start { return nil }
        fraction = Double(digits) / scale
    }

    guard i < count else { return nil }
    var offsetSeconds = 0
    switch text[i] {
    case UInt8(ascii: "Z"), UInt8(ascii: "z"):
        i += 1
    case UInt8(ascii: "+"), UInt8(ascii: "-"):
        let sign = text[i] == UInt8(ascii: "-") ? -1 : 1
        i += 1
        guard let offsetHours = number(2), separator(UInt8(ascii: ":")), let offsetMinutes = number(2),
            offsetHours <= 23, offsetMinutes <= 59
        else { return nil }
        offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
    default:
        return nil
    }
    guard i == count else { return nil }

    let days = daysFromCivil(year, month, day)
    let whole = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
    return Double(whole) + fraction
}

private func isLeapYear(_ year: Int) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

private func daysInMonth(_ year: Int, _ month: Int) -> Int {
    switch month {
    case 2: isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
private func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}
