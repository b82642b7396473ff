/// The bytes of a JSON string between its quotes, already validated.
struct JSONStringSpan {
    /// The index of the first content byte.
    var start: Int
    /// The index of the closing quote.
    var end: Int
    /// Whether the content holds backslash escapes (and so differs from its decoding).
    var escaped: Bool
}

/// The lexical layer of ``JSONLineDecoder``: whitespace, literals, strings, numbers, and
/// skipping values the record does not use.
extension JSONLineDecoder {
    /// How deeply an ignored value may nest arrays and objects.
    static let maxIgnoredDepth = 64

    @inline(__always)
    mutating func skipWhitespace() {
        while i < end {
            let byte = base[i]
            guard byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
                || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
            else { return }
            i += 1
        }
    }

    /// Consumes `byte` after optional whitespace, or throws `detail`.
    @inline(__always)
    mutating func expect(_ byte: UInt8, _ detail: StaticString) throws(LineError) {
        skipWhitespace()
        guard i < end, base[i] == byte else { throw .malformed(i, detail) }
        i += 1
    }

    /// Consumes `word` (`null`, `true` or `false`) at `i`.
    @inline(__always)
    mutating func literal(_ word: StaticString) throws(LineError) {
        let count = word.utf8CodeUnitCount
        guard end - i >= count, bytesEqual(base + i, word.utf8Start, count) else {
            throw .malformed(i, "invalid literal")
        }
        i += count
    }

    /// Scans the string whose opening quote is at `i`, validating escapes and UTF-8, and
    /// leaves `i` after the closing quote.
    @inline(__always)
    mutating func scanString() throws(LineError) -> JSONStringSpan {
        i += 1
        let start = i
        var escaped = false
        let classes = scratch.byteClasses
        while i < end {
            let byte = base[i]
            if classes[Int(byte)] & ByteClass.jsonString != 0 {
                i += 1
                continue
            }
            if byte == UInt8(ascii: "\"") {
                i += 1
                return JSONStringSpan(start: start, end: i - 1, escaped: escaped)
            }
            if byte >= 0x20 && byte < 0x80 && byte != UInt8(ascii: "\\") {
                i += 1
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
                try scanEscape()
            } else if byte < 0x20 {
                throw .malformed(i, "control character in string")
            } else {
                let length = utf8SequenceLength(base, i, end)
                if length == 0 { throw .malformed(i, "invalid UTF-8") }
                i += length
            }
        }
        throw .malformed(i, "unterminated string")
    }

    /// Validates the escape at `i` (a backslash) and steps over it. A `\u` high surrogate
    /// must be followed by a `\u` low surrogate; a lone surrogate is malformed.
    private mutating func scanEscape() throws(LineError) {
        guard i + 1 < end else { throw .malformed(i, "unterminated string") }
        switch base[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            i += 2
        case UInt8(ascii: "u"):
            guard let unit = hex4(i + 2) else { throw .malformed(i, "invalid \\u escape") }
            if unit >= 0xD800 && unit < 0xDC00 {
                guard i + 7 < end, base[i + 6] == UInt8(ascii: "\\"), base[i + 7] == UInt8(ascii: "u"),
                    let low = hex4(i + 8), low >= 0xDC00 && low < 0xE000
                else { throw .malformed(i, "unpaired surrogate") }
                i += 12
            } else if unit >= 0xDC00 && unit < 0xE000 {
                throw .malformed(i, "unpaired surrogate")
            } else {
                i += 6
            }
        default:
            throw .malformed(i, "invalid escape")
        }
    }

    /// The value of four hex digits at `at`, if they are there.
    @inline(__always)
    func hex4(_ at: Int) -> UInt32? {
        guard at + 4 <= end else { return nil }
        var value: UInt32 = 0
        for k in 0..<4 {
            let byte = base[at + k]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Writes the decoded content of a scanned string at `destination` and returns its
    /// length, or `nil` if it needs more than `capacity` bytes.
    @inline(__always)
    func decode(_ string: JSONStringSpan, into destination: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int? {
        let rawCount = string.end - string.start
        if !string.escaped {
            guard rawCount <= capacity else { return nil }
            destination.update(from: base + string.start, count: rawCount)
            return rawCount
        }
        var from = string.start
        var out = 0
        while from < string.end {
            let byte = base[from]
            if byte != UInt8(ascii: "\\") {
                guard out < capacity else { return nil }
                destination[out] = byte
                out += 1
                from += 1
                continue
            }
            let kind = base[from + 1]
            var decoded: UInt8
            switch kind {
            case UInt8(ascii: "b"): decoded = 0x08
            case UInt8(ascii: "f"): decoded = 0x0C
            case UInt8(ascii: "n"): decoded = 0x0A
            case UInt8(ascii: "r"): decoded = 0x0D
            case UInt8(ascii: "t"): decoded = 0x09
            case UInt8(ascii: "u"):
                var scalar = hex4(from + 2)!
                from += 6
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hex4(from + 2)! - 0xDC00)
                    from += 6
                }
                guard out + utf8Width(scalar) <= capacity else { return nil }
                out += encodeUTF8(scalar, into: destination + out)
                continue
            default: decoded = kind  // `"`, `\` and `/` stand for themselves.
            }
            guard out < capacity else { return nil }
            destination[out] = decoded
            out += 1
            from += 2
        }
        return out
    }

    /// Validates and steps over the value at `i` without keeping it, allowing at most
    /// ``maxIgnoredDepth`` levels of arrays and objects.
    mutating func skipValue() throws(LineError) {
        var objects: UInt64 = 0  // Bit k is set when open level k is an object.
        var depth = 0
        while true {
            // Here a value starts.
            skipWhitespace()
            guard i < end else { throw .malformed(i, "truncated value") }
            switch base[i] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if depth == Self.maxIgnoredDepth { throw .malformed(i, "nesting too deep") }
                let isObject = base[i] == UInt8(ascii: "{")
                objects = objects << 1 | (isObject ? 1 : 0)
                depth += 1
                i += 1
                skipWhitespace()
                if i < end && base[i] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    i += 1
                    objects >>= 1
                    depth -= 1
                } else if isObject {
                    try skipMemberKey()
                    continue
                } else {
                    continue
                }
            case UInt8(ascii: "\""): _ = try scanString()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                i = try scanDecimal(base, i, end, json: true, scratch: scratch).end
            default:
                throw .malformed(i, "invalid value")
            }
            // Here a value ended: close containers until one continues with a comma.
            while true {
                if depth == 0 { return }
                skipWhitespace()
                guard i < end else { throw .malformed(i, "truncated value") }
                let inObject = objects & 1 == 1
                let byte = base[i]
                if byte == UInt8(ascii: ",") {
                    i += 1
                    if inObject {
                        skipWhitespace()
                        try skipMemberKey()
                    }
                    break
                }
                guard byte == (inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    throw .malformed(i, inObject ? "expected ',' or '}'" : "expected ',' or ']'")
                }
                i += 1
                objects >>= 1
                depth -= 1
            }
        }
    }

    /// Steps over `"key" :` inside an ignored object.
    private mutating func skipMemberKey() throws(LineError) {
        guard i < end, base[i] == UInt8(ascii: "\"") else { throw .malformed(i, "expected a key") }
        _ = try scanString()
        try expect(UInt8(ascii: ":"), "expected ':'")
    }
}

/// How many UTF-8 bytes `scalar` needs.
@inline(__always)
func utf8Width(_ scalar: UInt32) -> Int {
    scalar < 0x80 ? 1 : scalar < 0x800 ? 2 : scalar < 0x10000 ? 3 : 4
}
