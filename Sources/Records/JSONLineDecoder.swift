/// Decodes one JSON-lines record in place:
///
/// ```
/// {"series":"pump-7","ts":1700000000.5,"value":0.42}
/// {"series":"pump-7","ts":"2026-11-24T20:00:00Z","fields":{"temp":71.2},"tags":{"site":"a"}}
/// ```
///
/// - `series` (required): a non-empty string.
/// - `ts`: a number of seconds, an RFC 3339 string, or `null`/absent for "time of receipt".
///   Any other type is `badTimestamp`.
/// - `value`: shorthand for a field called `value`. `fields`: an object of fields.
///   A field value is a number; `null` is missing; `true`/`false` are 1/0 as in Influx; a
///   string is ignored as in Influx; an array or object is malformed. A number literal too
///   large for a Double (`1e400`) is malformed rather than silently missing: JSON cannot
///   spell infinity, so it is a producer bug worth counting.
/// - `tags`: an object of non-empty strings, rendered into the series key.
/// - Unknown keys are ignored; their values are still validated, nesting up to 64 deep.
/// - A repeated `series`, `ts`, `value`, `fields` or `tags`, or a repeated name inside
///   `fields` or `tags`, is malformed.
struct JSONLineDecoder {
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

    /// The top-level keys the decoder understands, as bits of a "seen" set.
    private enum Key: UInt8 {
        case other = 0, series = 1, timestamp = 2, value = 4, fields = 8, tags = 16
    }

    mutating func decode() throws(LineError) {
        skipWhitespace()
        guard i < end, base[i] == UInt8(ascii: "{") else { throw .malformed(i, "expected '{'") }
        i += 1
        var seen: UInt8 = 0
        skipWhitespace()
        if i < end && base[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                guard i < end, base[i] == UInt8(ascii: "\"") else { throw .malformed(i, "expected a key") }
                let keyOffset = i
                let key = classify(try scanString())
                try expect(UInt8(ascii: ":"), "expected ':'")
                skipWhitespace()
                guard i < end else { throw .malformed(i, "truncated value") }
                if key != .other {
                    if seen & key.rawValue != 0 { throw .malformed(keyOffset, "duplicate key") }
                    seen |= key.rawValue
                }
                switch key {
                case .series: try decodeSeries()
                case .timestamp: try decodeTimestamp()
                case .value:
                    let name = scratch.nextName
                    name.update(from: Self.valueName.utf8Start, count: 5)
                    try decodeFieldValue(nameCount: 5, offset: keyOffset)
                case .fields: try decodeFields()
                case .tags: try decodeTags()
                case .other: try skipValue()
                }
                skipWhitespace()
                guard i < end else { throw .malformed(i, "unterminated object") }
                if base[i] == UInt8(ascii: ",") {
                    i += 1
                    skipWhitespace()
                    continue
                }
                guard base[i] == UInt8(ascii: "}") else { throw .malformed(i, "expected ',' or '}'") }
                i += 1
                break
            }
        }
        skipWhitespace()
        if i != end { throw .malformed(i, "trailing characters") }
        if seen & Key.series.rawValue == 0 { throw .malformed(lineStart, "missing series") }
        if scratch.fieldCount == 0 {
            throw LineError(reason: .noFields, offset: lineStart, detail: "no numeric field")
        }
        try scratch.renderTags(lineStart: lineStart)
    }

    private static let valueName: StaticString = "value"

    /// Which top-level key a scanned key string is.
    private func classify(_ string: JSONStringSpan) -> Key {
        var bytes = base + string.start
        var count = string.end - string.start
        if string.escaped {
            // Rare: decode into the scratch text; anything longer than 8 bytes is unknown.
            guard let decoded = decode(string, into: scratch.text, capacity: 8) else { return .other }
            bytes = UnsafePointer(scratch.text)
            count = decoded
        }
        @inline(__always) func equals(_ word: StaticString) -> Bool {
            count == word.utf8CodeUnitCount && bytesEqual(bytes, word.utf8Start, count)
        }
        switch count {
        case 2: return equals("ts") ? .timestamp : .other
        case 4: return equals("tags") ? .tags : .other
        case 5: return equals("value") ? .value : .other
        case 6: return equals("series") ? .series : equals("fields") ? .fields : .other
        default: return .other
        }
    }

    private mutating func decodeSeries() throws(LineError) {
        guard base[i] == UInt8(ascii: "\"") else { throw .malformed(i, "series must be a string") }
        let quote = i
        let string = try scanString()
        guard let count = decode(string, into: scratch.key, capacity: scratch.maxKeyBytes) else {
            throw .tooLarge(lineStart, "series key too long")
        }
        if count == 0 { throw .malformed(quote, "empty series") }
        scratch.keyCount = count
    }

    private mutating func decodeTimestamp() throws(LineError) {
        let at = i
        switch base[i] {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let number = try scanDecimal(base, i, end, json: true, scratch: scratch)
            i = number.end
            guard isValidTimestamp(number.value) else { throw .badTimestamp(at, "timestamp out of range") }
            scratch.timestamp = number.value
        case UInt8(ascii: "\""):
            let string = try scanString()
            var bytes = base + string.start
            var count = string.end - string.start
            if string.escaped {
                guard let decoded = decode(string, into: scratch.text, capacity: 64) else {
                    throw .badTimestamp(at, "invalid RFC 3339 timestamp")
                }
                bytes = UnsafePointer(scratch.text)
                count = decoded
            }
            guard let seconds = parseRFC3339(bytes, count), isValidTimestamp(seconds) else {
                throw .badTimestamp(at, "invalid RFC 3339 timestamp")
            }
            scratch.timestamp = seconds
        case UInt8(ascii: "n"):
            try literal("null")
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "{"), UInt8(ascii: "["):
            throw .badTimestamp(at, "timestamp must be a number or an RFC 3339 string")
        default:
            throw .malformed(at, "invalid value")
        }
    }

    /// Decodes a field value for the name of `nameCount` bytes just written at
    /// `scratch.nextName`; `offset` is the name's key, for errors.
    private mutating func decodeFieldValue(nameCount: Int, offset: Int) throws(LineError) {
        let at = i
        let value: Double
        switch base[i] {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let number = try scanDecimal(base, i, end, json: true, scratch: scratch)
            i = number.end
            guard number.value.isFinite else { throw .malformed(at, "number out of range") }
            value = number.value
        case UInt8(ascii: "n"):
            try literal("null")
            value = .nan
        case UInt8(ascii: "t"):
            try literal("true")
            value = 1
        case UInt8(ascii: "f"):
            try literal("false")
            value = 0
        case UInt8(ascii: "\""):
            _ = try scanString()
            return
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            throw .malformed(at, "field value must be a number")
        default:
            throw .malformed(at, "invalid value")
        }
        try scratch.commitField(nameCount: nameCount, value: value, offset: offset)
    }

    /// Consumes `{` and following whitespace; true when the object is empty (`{}` consumed too).
    private mutating func openObject(orThrow detail: StaticString) throws(LineError) -> Bool {
        guard base[i] == UInt8(ascii: "{") else { throw .malformed(i, detail) }
        i += 1
        skipWhitespace()
        if i < end && base[i] == UInt8(ascii: "}") {
            i += 1
            return true
        }
        return false
    }

    private mutating func decodeFields() throws(LineError) {
        if try openObject(orThrow: "fields must be an object") { return }
        while true {
            guard i < end, base[i] == UInt8(ascii: "\"") else { throw .malformed(i, "expected a key") }
            let keyOffset = i
            let string = try scanString()
            guard let count = decode(string, into: scratch.nextName, capacity: scratch.maxNameBytes) else {
                throw .tooLarge(keyOffset, "field name too long")
            }
            if count == 0 { throw .malformed(keyOffset, "empty field name") }
            try expect(UInt8(ascii: ":"), "expected ':'")
            skipWhitespace()
            guard i < end else { throw .malformed(i, "truncated value") }
            try decodeFieldValue(nameCount: count, offset: keyOffset)
            if try endOfMember() { return }
        }
    }

    private mutating func decodeTags() throws(LineError) {
        if try openObject(orThrow: "tags must be an object") { return }
        while true {
            guard i < end, base[i] == UInt8(ascii: "\"") else { throw .malformed(i, "expected a key") }
            let keyOffset = i
            let key = try decodeTagString(emptyDetail: "empty tag key")
            try expect(UInt8(ascii: ":"), "expected ':'")
            skipWhitespace()
            guard i < end, base[i] == UInt8(ascii: "\"") else { throw .malformed(i, "tag value must be a string") }
            let value = try decodeTagString(emptyDetail: "empty tag value")
            try scratch.commitTag(key: key, value: value, offset: keyOffset)
            if try endOfMember() { return }
        }
    }

    /// Decodes the string at `i` into the tag arena.
    private mutating func decodeTagString(emptyDetail: StaticString) throws(LineError) -> ByteSpan {
        let quote = i
        let string = try scanString()
        let start = scratch.tagBytesCount
        guard let count = decode(string, into: scratch.tagBytes + start, capacity: scratch.maxKeyBytes - start)
        else { throw .tooLarge(lineStart, "series key too long") }
        if count == 0 { throw .malformed(quote, emptyDetail) }
        scratch.tagBytesCount += count
        return ByteSpan(start: start, count: count)
    }

    /// After a member of `fields` or `tags`: consumes `,` (returning false) or `}`
    /// (returning true).
    private mutating func endOfMember() throws(LineError) -> Bool {
        skipWhitespace()
        guard i < end else { throw .malformed(i, "unterminated object") }
        if base[i] == UInt8(ascii: ",") {
            i += 1
            skipWhitespace()
            return false
        }
        guard base[i] == UInt8(ascii: "}") else { throw .malformed(i, "expected ',' or '}'") }
        i += 1
        return true
    }
}
