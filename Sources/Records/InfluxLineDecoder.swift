/// Decodes one InfluxDB line protocol record in place:
///
/// ```
/// pump-7,site=a temp=71.2,vibration=0.031 1700000000000000000
/// ```
///
/// - The measurement ends at an unescaped `,` or space; `\,` and `\ ` escape them.
/// - Tag keys, tag values and field keys escape `,`, `=` and space with a backslash. A
///   backslash before any other byte is kept.
/// - Field values: floats (`1`, `-1.5`, `1e3`, `.5`), integers `12i`, unsigned `12u`,
///   booleans `t T true True TRUE f F false False FALSE` (1 and 0), and strings in double
///   quotes with `\"` and `\\` escapes, which are ignored. `nan` and `inf` (any case, any
///   sign) are missing values. A float too large for a Double, or an integer outside its
///   type, is malformed.
/// - The optional timestamp is an integer in the configured precision; anything else,
///   including a second token after it, is `badTimestamp`.
/// - A line with a field set of only strings has `noFields`; a line with no field set at
///   all is malformed.
struct InfluxLineDecoder {
    let base: UnsafePointer<UInt8>
    let end: Int
    let lineStart: Int
    var i: Int
    let scratch: RecordScratch
    let precision: InfluxPrecision

    init(base: UnsafePointer<UInt8>, start: Int, end: Int, scratch: RecordScratch, precision: InfluxPrecision) {
        self.base = base
        self.end = end
        self.lineStart = start
        self.i = start
        self.scratch = scratch
        self.precision = precision
    }

    mutating func decode() throws(LineError) {
        let measurementStart = i
        guard let keyCount = try readToken(into: scratch.key, capacity: scratch.maxKeyBytes, isMeasurement: true)
        else { throw .tooLarge(lineStart, "series key too long") }
        if keyCount == 0 { throw .malformed(measurementStart, "empty measurement") }
        scratch.keyCount = keyCount
        if i < end && base[i] == UInt8(ascii: ",") {
            i += 1
            try readTags()
        }
        guard i < end else { throw .malformed(i, "missing field set") }
        skipSpaces()
        try readFields()
        skipSpaces()
        if i < end { try readTimestamp() }
        if scratch.fieldCount == 0 {
            throw LineError(reason: .noFields, offset: lineStart, detail: "no numeric field")
        }
        try scratch.renderTags(lineStart: lineStart)
    }

    @inline(__always)
    private mutating func skipSpaces() {
        while i < end && base[i] == UInt8(ascii: " ") { i += 1 }
    }

    /// Reads an escaped measurement, tag key, tag value or field key into `destination`,
    /// stopping at an unescaped `,` or space, or `=` unless `isMeasurement`. Returns the
    /// unescaped length, or `nil` when it exceeds `capacity`.
    @inline(__always)
    private mutating func readToken(
        into destination: UnsafeMutablePointer<UInt8>, capacity: Int, isMeasurement: Bool
    ) throws(LineError) -> Int? {
        var out = 0
        let classes = scratch.byteClasses
        let plain = isMeasurement ? ByteClass.measurement : ByteClass.influxKey
        while i < end {
            // The common run of plain bytes, copied with one table test per byte.
            let limit = min(end, i + capacity - out)
            while i < limit {
                let byte = base[i]
                if classes[Int(byte)] & plain == 0 { break }
                destination[out] = byte
                out += 1
                i += 1
            }
            if i == end { break }
            var byte = base[i]
            if classes[Int(byte)] & plain != 0 { return nil }  // Stopped by the capacity.
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: " ") { break }
            if byte == UInt8(ascii: "=") && !isMeasurement { break }
            if byte == UInt8(ascii: "\\") && i + 1 < end {
                let next = base[i + 1]
                if next == UInt8(ascii: ",") || next == UInt8(ascii: " ")
                    || (next == UInt8(ascii: "=") && !isMeasurement)
                {
                    byte = next
                    i += 1
                }
            } else if byte < 0x20 || byte == 0x7F {
                throw .malformed(i, "control character")
            } else if byte >= 0x80 {
                let length = utf8SequenceLength(base, i, end)
                if length == 0 { throw .malformed(i, "invalid UTF-8") }
                guard out + length <= capacity else { return nil }
                (destination + out).update(from: base + i, count: length)
                out += length
                i += length
                continue
            }
            guard out < capacity else { return nil }
            destination[out] = byte
            out += 1
            i += 1
        }
        return out
    }

    private mutating func readTags() throws(LineError) {
        while true {
            let keyOffset = i
            let keyStart = scratch.tagBytesCount
            guard let keyCount = try readToken(
                into: scratch.tagBytes + keyStart, capacity: scratch.maxKeyBytes - keyStart, isMeasurement: false)
            else { throw .tooLarge(lineStart, "series key too long") }
            guard i < end, base[i] == UInt8(ascii: "=") else { throw .malformed(i, "tag without '='") }
            if keyCount == 0 { throw .malformed(keyOffset, "empty tag key") }
            scratch.tagBytesCount += keyCount
            i += 1
            let valueOffset = i
            let valueStart = scratch.tagBytesCount
            guard let valueCount = try readToken(
                into: scratch.tagBytes + valueStart, capacity: scratch.maxKeyBytes - valueStart, isMeasurement: false)
            else { throw .tooLarge(lineStart, "series key too long") }
            if i < end && base[i] == UInt8(ascii: "=") { throw .malformed(i, "unescaped '=' in tag value") }
            if valueCount == 0 { throw .malformed(valueOffset, "empty tag value") }
            scratch.tagBytesCount += valueCount
            try scratch.commitTag(
                key: ByteSpan(start: keyStart, count: keyCount),
                value: ByteSpan(start: valueStart, count: valueCount), offset: keyOffset)
            guard i < end else { throw .malformed(i, "missing field set") }
            if base[i] == UInt8(ascii: " ") { return }
            i += 1  // The comma before the next tag.
        }
    }

    private mutating func readFields() throws(LineError) {
        while true {
            let fieldOffset = i
            guard let nameCount = try readToken(
                into: scratch.nextName, capacity: scratch.maxNameBytes, isMeasurement: false)
            else { throw .tooLarge(fieldOffset, "field name too long") }
            guard i < end, base[i] == UInt8(ascii: "=") else { throw .malformed(i, "field without '='") }
            if nameCount == 0 { throw .malformed(fieldOffset, "empty field name") }
            i += 1
            guard i < end else { throw .malformed(i, "missing field value") }
            if base[i] == UInt8(ascii: "\"") {
                try skipStringValue()
            } else {
                let value = try readFieldValue()
                try scratch.commitField(nameCount: nameCount, value: value, offset: fieldOffset)
            }
            guard i < end else { return }
            if base[i] == UInt8(ascii: " ") { return }
            guard base[i] == UInt8(ascii: ",") else { throw .malformed(i, "expected ',' or ' '") }
            i += 1
        }
    }

    /// Reads a float, integer, unsigned or boolean field value; NaN means missing.
    private mutating func readFieldValue() throws(LineError) -> Double {
        let start = i
        var tokenEnd = i
        while tokenEnd < end && base[tokenEnd] != UInt8(ascii: ",") && base[tokenEnd] != UInt8(ascii: " ") {
            tokenEnd += 1
        }
        if tokenEnd == start { throw .malformed(start, "missing field value") }
        i = tokenEnd
        let first = base[start]
        let last = base[tokenEnd - 1]
        if last == UInt8(ascii: "i") && tokenEnd - start >= 2 && first != UInt8(ascii: "i")
            && first != UInt8(ascii: "I") && first != UInt8(ascii: "+")
        {
            guard let (negative, magnitude) = parseInteger(base, start, tokenEnd - 1),
                magnitude <= (negative ? 1 << 63 : UInt64(Int64.max))
            else { throw .malformed(start, "invalid integer") }
            return negative ? -Double(magnitude) : Double(magnitude)
        }
        if last == UInt8(ascii: "u") && tokenEnd - start >= 2 {
            guard let (negative, magnitude) = parseInteger(base, start, tokenEnd - 1), !negative
            else { throw .malformed(start, "invalid unsigned integer") }
            return Double(magnitude)
        }
        switch first {
        case UInt8(ascii: "t"), UInt8(ascii: "T"):
            guard isBooleanWord(start, tokenEnd, "true") else { throw .malformed(start, "invalid boolean") }
            return 1
        case UInt8(ascii: "f"), UInt8(ascii: "F"):
            guard isBooleanWord(start, tokenEnd, "false") else { throw .malformed(start, "invalid boolean") }
            return 0
        default:
            if isNonFiniteWord(base, start, tokenEnd) { return .nan }
            let number = try scanDecimal(base, start, tokenEnd, json: false, scratch: scratch)
            if number.end != tokenEnd { throw .malformed(number.end, "invalid number") }
            guard number.value.isFinite else { throw .malformed(start, "number out of range") }
            return number.value
        }
    }

    /// `t`/`T`/`true`/`True`/`TRUE`, or the same for `false`.
    private func isBooleanWord(_ start: Int, _ tokenEnd: Int, _ word: StaticString) -> Bool {
        let count = tokenEnd - start
        if count == 1 { return true }
        guard count == word.utf8CodeUnitCount else { return false }
        let letters = word.utf8Start
        let capitalized = base[start] == letters[0] - 0x20
        var k = 1
        var allUpper = capitalized
        var allLower = true
        while k < count {
            let byte = base[start + k]
            if byte != letters[k] { allLower = false }
            if byte != letters[k] - 0x20 { allUpper = false }
            k += 1
        }
        return allLower || allUpper
    }

    /// Steps over a double-quoted string value whose quote is at `i`.
    private mutating func skipStringValue() throws(LineError) {
        i += 1
        while i < end {
            let byte = base[i]
            if byte == UInt8(ascii: "\"") {
                i += 1
                if i < end && base[i] != UInt8(ascii: ",") && base[i] != UInt8(ascii: " ") {
                    throw .malformed(i, "expected ',' or ' '")
                }
                return
            }
            if byte == UInt8(ascii: "\\") && i + 1 < end {
                i += 2
            } else if byte >= 0x80 {
                let length = utf8SequenceLength(base, i, end)
                if length == 0 { throw .malformed(i, "invalid UTF-8") }
                i += length
            } else {
                i += 1
            }
        }
        throw .malformed(i, "unterminated string")
    }

    private mutating func readTimestamp() throws(LineError) {
        let start = i
        guard let (negative, magnitude) = parseInteger(base, start, end), magnitude <= 1 << 63,
            !(magnitude == 1 << 63 && !negative)
        else { throw .badTimestamp(start, "invalid timestamp") }
        let units = negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
        let seconds: Double
        switch precision {
        case .nanoseconds: seconds = Double(units / 1_000_000_000) + Double(units % 1_000_000_000) * 1e-9
        case .microseconds: seconds = Double(units / 1_000_000) + Double(units % 1_000_000) * 1e-6
        case .milliseconds: seconds = Double(units / 1_000) + Double(units % 1_000) * 1e-3
        case .seconds: seconds = Double(units)
        }
        guard isValidTimestamp(seconds) else { throw .badTimestamp(start, "timestamp out of range") }
        scratch.timestamp = seconds
        i = end
    }
}

/// Parses `-?[0-9]+` spanning exactly `start..<end` into a sign and magnitude; `nil` for
/// anything else or a magnitude above `UInt64.max`. Eight digits at a time where it can:
/// nanosecond timestamps have nineteen.
@inline(__always)
func parseInteger(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Bool, UInt64)? {
    var i = start
    let negative = i < end && base[i] == UInt8(ascii: "-")
    if negative { i += 1 }
    guard i < end else { return nil }
    while end - i > 1 && base[i] == UInt8(ascii: "0") { i += 1 }
    var magnitude: UInt64 = 0
    if end - i <= 19 {
        // At most 19 digits cannot overflow a UInt64.
        while end - i >= 8 {
            guard let chunk = eightDigits(base + i) else { return nil }
            magnitude = magnitude &* 100_000_000 &+ chunk
            i += 8
        }
        while i < end {
            let digit = base[i] &- 0x30
            guard digit < 10 else { return nil }
            magnitude = magnitude &* 10 &+ UInt64(digit)
            i += 1
        }
        return (negative, magnitude)
    }
    while i < end {
        let digit = base[i] &- 0x30
        guard digit < 10 else { return nil }
        let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
        if overflow1 || overflow2 { return nil }
        magnitude = sum
        i += 1
    }
    return (negative, magnitude)
}

/// The value of the eight ASCII digits at `bytes`, or `nil` if one is not a digit
/// (the SWAR method: three multiplications instead of eight dependent steps).
@inline(__always)
private func eightDigits(_ bytes: UnsafePointer<UInt8>) -> UInt64? {
    let chunk = UInt64(littleEndian: UnsafeRawPointer(bytes).loadUnaligned(as: UInt64.self))
    let low = chunk &- 0x3030_3030_3030_3030
    // Every byte must be 0x30...0x39: no borrow out of any byte, and each nibble below 10.
    guard chunk & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030,
        (chunk &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030
    else { return nil }
    var value = low
    value = (value &* 2561) >> 8
    value = ((value & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
    value = ((value & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
    return value
}
