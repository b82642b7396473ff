/// Decodes one Graphite plaintext record in place:
///
/// ```
/// servers.web1.cpu 0.42 1700000000
/// ```
///
/// Tokens are separated by spaces or tabs. The path is the series key, verbatim; the value
/// becomes a field called `value` (`nan` and `inf` in any case are missing, as carbon's
/// `float()` accepts them); the timestamp is seconds, possibly fractional, and may be
/// absent or `-1` for "time of receipt". A non-numeric or out-of-range timestamp is
/// `badTimestamp`; a fourth token is malformed.
struct GraphiteLineDecoder {
    let base: UnsafePointer<UInt8>
    let end: Int
    let lineStart: Int
    var i: Int
    let scratch: RecordScratch

    init(base: UnsafePointer<UInt8>, start: Int, end: Int, scratch: RecordScratch) {
        self.base = base
        self.end = end
        self.lineStart = start
        self.i = start
        self.scratch = scratch
    }

    private static let valueName: StaticString = "value"

    mutating func decode() throws(LineError) {
        try readPath()
        skipBlanks()
        guard i < end else { throw .malformed(i, "missing value") }
        let valueStart = i
        let valueEnd = tokenEnd()
        var value = Double.nan
        if !isNonFiniteWord(base, valueStart, valueEnd) {
            let number = try scanDecimal(base, valueStart, valueEnd, json: false, scratch: scratch)
            if number.end != valueEnd { throw .malformed(number.end, "invalid number") }
            guard number.value.isFinite else { throw .malformed(valueStart, "number out of range") }
            value = number.value
        }
        i = valueEnd
        skipBlanks()
        if i < end { try readTimestamp() }
        skipBlanks()
        if i < end { throw .malformed(i, "more than three tokens") }
        scratch.nextName.update(from: Self.valueName.utf8Start, count: 5)
        try scratch.commitField(nameCount: 5, value: value, offset: valueStart)
    }

    @inline(__always)
    private func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    @inline(__always)
    private mutating func skipBlanks() {
        while i < end && isBlank(base[i]) { i += 1 }
    }

    @inline(__always)
    private func tokenEnd() -> Int {
        var at = i
        while at < end && !isBlank(base[at]) { at += 1 }
        return at
    }

    private mutating func readPath() throws(LineError) {
        let start = i
        while i < end {
            let byte = base[i]
            if isBlank(byte) { break }
            if byte < 0x20 || byte == 0x7F { throw .malformed(i, "control character") }
            if byte >= 0x80 {
                let length = utf8SequenceLength(base, i, end)
                if length == 0 { throw .malformed(i, "invalid UTF-8") }
                i += length
            } else {
                i += 1
            }
        }
        let count = i - start
        guard count <= scratch.maxKeyBytes else { throw .tooLarge(lineStart, "series key too long") }
        scratch.key.update(from: base + start, count: count)
        scratch.keyCount = count
    }

    private mutating func readTimestamp() throws(LineError) {
        let start = i
        let stop = tokenEnd()
        i = stop
        if stop - start == 2 && base[start] == UInt8(ascii: "-") && base[start + 1] == UInt8(ascii: "1") {
            return
        }
        guard let number = try? scanDecimal(base, start, stop, json: false, scratch: scratch),
            number.end == stop
        else { throw .badTimestamp(start, "invalid timestamp") }
        guard isValidTimestamp(number.value) else { throw .badTimestamp(start, "timestamp out of range") }
        scratch.timestamp = number.value
    }
}

/// Whether an auto-detected line is Graphite: two or three tokens separated by spaces or
/// tabs, the second of them a number (or `nan`/`inf`). A backslash-escaped space, as in an
/// Influx measurement, does not separate tokens.
func looksLikeGraphite(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, scratch: RecordScratch) -> Bool {
    @inline(__always) func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }
    var i = start
    while i < end && !isBlank(base[i]) { i += base[i] == UInt8(ascii: "\\") ? 2 : 1 }
    while i < end && isBlank(base[i]) { i += 1 }
    guard i < end else { return false }
    let second = i
    switch base[i] {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
        UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "i"), UInt8(ascii: "I"):
        break
    default:
        return false
    }
    while i < end && !isBlank(base[i]) { i += 1 }
    let secondEnd = i
    if !isNonFiniteWord(base, second, secondEnd) {
        guard let number = try? scanDecimal(base, second, secondEnd, json: false, scratch: scratch),
            number.end == secondEnd
        else { return false }
    }
    while i < end && isBlank(base[i]) { i += 1 }
    while i < end && !isBlank(base[i]) { i += 1 }
    while i < end && isBlank(base[i]) { i += 1 }
    return i >= end
}
