/// A range of bytes in one of the scratch arenas.
struct ByteSpan {
    var start: Int
    var count: Int
}

/// A tag held in ``RecordScratch/tagBytes`` until the series key is rendered.
struct TagSpan {
    var key: ByteSpan
    var value: ByteSpan
}

/// The reusable buffers a line is decoded into, allocated once per ``RecordParser`` so that
/// decoding a line never touches the heap.
///
/// Capacities follow the limits: the key holds `maxKeyBytes`; the name arena holds
/// `maxFields + 1` names of up to `maxNameBytes` (the extra slot lets a decoder write a
/// name before learning it is one too many); `text` holds a whole line plus an exponent,
/// for the rare number that needs `strtod`.
///
/// It is `@unchecked Sendable` because ``RecordParser`` only mutates it while uniquely
/// referenced (copy on write), exactly as `Array` does with its buffer.
final class RecordScratch: @unchecked Sendable {
    let maxKeyBytes: Int
    let maxNameBytes: Int
    let maxFields: Int
    let maxLineBytes: Int

    let key: UnsafeMutablePointer<UInt8>
    var keyCount = 0

    let tagBytes: UnsafeMutablePointer<UInt8>
    var tagBytesCount = 0
    let tags: UnsafeMutablePointer<TagSpan>
    let maxTags: Int
    var tagCount = 0

    let names: UnsafeMutablePointer<UInt8>
    var namesCount = 0
    let nameSpans: UnsafeMutablePointer<ByteSpan>
    let values: UnsafeMutablePointer<Double>
    var fieldCount = 0

    let text: UnsafeMutablePointer<UInt8>
    let textCapacity: Int

    /// For each byte value, the ``ByteClass`` bits of the tokens it may appear in
    /// unescaped: one table load per byte instead of a chain of comparisons.
    let byteClasses: UnsafeMutablePointer<UInt8>

    /// Seconds since the epoch, or `nil` when the line had none.
    var timestamp: Double?

    init(maxLineBytes: Int, maxKeyBytes: Int, maxFields: Int) {
        self.maxLineBytes = maxLineBytes
        self.maxKeyBytes = maxKeyBytes
        self.maxNameBytes = maxKeyBytes
        self.maxFields = maxFields
        key = .allocate(capacity: maxKeyBytes)
        tagBytes = .allocate(capacity: maxKeyBytes)
        // A rendered tag takes at least four bytes: `,k=v`.
        maxTags = maxKeyBytes / 4 + 1
        tags = .allocate(capacity: maxTags)
        names = .allocate(capacity: (maxFields + 1) * maxKeyBytes)
        nameSpans = .allocate(capacity: maxFields + 1)
        values = .allocate(capacity: maxFields + 1)
        textCapacity = maxLineBytes + 32
        text = .allocate(capacity: textCapacity)
        byteClasses = .allocate(capacity: 256)
        for byte in 0..<256 {
            byteClasses[byte] = ByteClass.of(UInt8(byte))
        }
    }

    deinit {
        key.deallocate()
        tagBytes.deallocate()
        tags.deallocate()
        names.deallocate()
        nameSpans.deallocate()
        values.deallocate()
        text.deallocate()
        byteClasses.deallocate()
    }

    /// Forgets the previous line.
    @inline(__always)
    func reset() {
        keyCount = 0
        tagBytesCount = 0
        tagCount = 0
        namesCount = 0
        fieldCount = 0
        timestamp = nil
    }

    /// Where the next field name is written; at most `maxNameBytes` bytes fit.
    @inline(__always)
    var nextName: UnsafeMutablePointer<UInt8> { names + namesCount }

    /// Adds the field whose name of `nameCount` bytes was just written at ``nextName``.
    /// `value` is NaN for a missing value. `offset` is where the field began, for errors.
    @inline(__always)
    func commitField(nameCount: Int, value: Double, offset: Int) throws(LineError) {
        if fieldCount == maxFields { throw .tooLarge(offset, "more fields than max_fields") }
        let name = names + namesCount
        var index = 0
        while index < fieldCount {
            let other = nameSpans[index]
            if other.count == nameCount && bytesEqual(names + other.start, name, nameCount) {
                throw .malformed(offset, "duplicate field")
            }
            index += 1
        }
        nameSpans[fieldCount] = ByteSpan(start: namesCount, count: nameCount)
        values[fieldCount] = value
        namesCount += nameCount
        fieldCount += 1
    }

    /// Adds a tag whose key and value were just written into ``tagBytes``.
    @inline(__always)
    func commitTag(key: ByteSpan, value: ByteSpan, offset: Int) throws(LineError) {
        if tagCount == maxTags { throw .tooLarge(offset, "series key too long") }
        tags[tagCount] = TagSpan(key: key, value: value)
        tagCount += 1
    }

    /// Appends the sorted tags to the series name already in ``key``, escaping `,`, `=`
    /// and space with a backslash as Influx line protocol does, so that every format
    /// renders the same key for the same series.
    func renderTags(lineStart: Int) throws(LineError) {
        guard tagCount > 0 else { return }
        // Insertion sort: there are few tags and they usually arrive sorted.
        var i = 1
        while i < tagCount {
            let tag = tags[i]
            var j = i
            while j > 0 && compareBytes(tags[j - 1].key, tag.key) > 0 {
                tags[j] = tags[j - 1]
                j -= 1
            }
            tags[j] = tag
            i += 1
        }
        i = 0
        while i < tagCount {
            let tag = tags[i]
            if i > 0 && compareBytes(tags[i - 1].key, tag.key) == 0 {
                throw .malformed(lineStart, "duplicate tag")
            }
            try appendKeyByte(UInt8(ascii: ","), lineStart: lineStart)
            try appendEscaped(tag.key, lineStart: lineStart)
            try appendKeyByte(UInt8(ascii: "="), lineStart: lineStart)
            try appendEscaped(tag.value, lineStart: lineStart)
            i += 1
        }
    }

    @inline(__always)
    private func appendKeyByte(_ byte: UInt8, lineStart: Int) throws(LineError) {
        if keyCount == maxKeyBytes { throw .tooLarge(lineStart, "series key too long") }
        key[keyCount] = byte
        keyCount += 1
    }

    private func appendEscaped(_ span: ByteSpan, lineStart: Int) throws(LineError) {
        var i = span.start
        let end = span.start + span.count
        while i < end {
            let byte = tagBytes[i]
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: " ") {
                try appendKeyByte(UInt8(ascii: "\\"), lineStart: lineStart)
            }
            try appendKeyByte(byte, lineStart: lineStart)
            i += 1
        }
    }

    /// Lexicographic comparison of two spans of ``tagBytes``.
    private func compareBytes(_ a: ByteSpan, _ b: ByteSpan) -> Int {
        let common = min(a.count, b.count)
        var i = 0
        while i < common {
            let x = tagBytes[a.start + i], y = tagBytes[b.start + i]
            if x != y { return x < y ? -1 : 1 }
            i += 1
        }
        return a.count - b.count
    }
}

/// Bits of ``RecordScratch/byteClasses``: the printable ASCII bytes that need no attention
/// inside a token.
enum ByteClass {
    /// Plain in an Influx measurement: not `,`, space or backslash.
    static let measurement: UInt8 = 1
    /// Plain in an Influx tag key, tag value or field key: also not `=`.
    static let influxKey: UInt8 = 2
    /// Plain inside a JSON string: not `"` or backslash.
    static let jsonString: UInt8 = 4

    static func of(_ byte: UInt8) -> UInt8 {
        guard byte >= 0x20 && byte < 0x7F, byte != UInt8(ascii: "\\") else { return 0 }
        var bits: UInt8 = 0
        if byte != UInt8(ascii: "\"") { bits |= jsonString }
        if byte != UInt8(ascii: ",") && byte != UInt8(ascii: " ") {
            bits |= measurement
            if byte != UInt8(ascii: "=") { bits |= influxKey }
        }
        return bits
    }
}

@inline(__always)
func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
