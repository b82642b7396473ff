#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes payloads of `\n`-separated records (docs/DESIGN.md §3) in place, on the daemon's hot path.
///
/// A parser owns its scratch buffers, allocated once at `init`; ``parse(_:onRecord:onReject:)``
/// decodes each line straight from the payload bytes into them and lends the result to a
/// sink as a ``ParsedRecord``. No `String` is made and nothing is allocated per line.
///
/// ```swift
/// var parser = RecordParser(format: .auto, influxPrecision: .nanoseconds)
/// parser.parse(payload) { record in
///     detector.ingest(key: record.seriesKey, time: record.timestamp ?? now, fields: record.fields)
/// } onReject: { error in
///     rejected[error.reason] += 1
/// }
/// ```
///
/// Lines:
/// - End with `\n`; a `\r` before it is dropped. Leading and trailing spaces and tabs are
///   ignored. Blank lines are skipped and not counted: they are framing, not records.
/// - In `influx` and `auto` formats a line starting with `#` is an Influx comment and is
///   skipped like a blank line.
/// - A line longer than `maxLineBytes` (not counting its line ending) is `tooLarge`
///   without being looked at.
/// - A rejected line never affects the lines around it.
///
/// A parser is a value: a copy gets scratch buffers of its own on first use, so copies
/// may be used on different threads. One parser is not for concurrent use.
public struct RecordParser: Sendable {
    /// How lines are decoded.
    public var format: RecordFormat
    /// The unit of Influx timestamps.
    public var influxPrecision: InfluxPrecision
    /// The longest line accepted, in bytes without the line ending.
    public let maxLineBytes: Int
    /// The most fields one record may have (`limits.max_fields`).
    public let maxFields: Int
    /// The longest series key, once rendered, and the longest field name, in bytes.
    public let maxKeyBytes: Int

    private var scratch: RecordScratch

    /// Creates a parser.
    ///
    /// - Parameters:
    ///   - format: `auto` (the default) detects the format per line.
    ///   - influxPrecision: Influx timestamps are nanoseconds unless told otherwise.
    ///   - maxLineBytes: defaults to 64 KiB, room for 64 fields with long names; at least 1.
    ///   - maxFields: defaults to 64; at least 1.
    ///   - maxKeyBytes: 1 to 256 (the default), per docs/DESIGN.md §3.
    public init(
        format: RecordFormat = .auto, influxPrecision: InfluxPrecision = .nanoseconds,
        maxLineBytes: Int = 65_536, maxFields: Int = 64, maxKeyBytes: Int = 256
    ) {
        precondition(maxLineBytes >= 1, "maxLineBytes must be positive")
        precondition(maxFields >= 1, "maxFields must be positive")
        precondition(maxKeyBytes >= 1 && maxKeyBytes <= 256, "maxKeyBytes must be 1...256")
        self.format = format
        self.influxPrecision = influxPrecision
        self.maxLineBytes = maxLineBytes
        self.maxFields = maxFields
        self.maxKeyBytes = maxKeyBytes
        scratch = RecordScratch(maxLineBytes: maxLineBytes, maxKeyBytes: maxKeyBytes, maxFields: maxFields)
    }

    /// Decodes every line of `payload`, calling `onRecord` for each record and `onReject`
    /// for each rejected line, in payload order.
    ///
    /// The record lent to `onRecord` is valid only during the call.
    public mutating func parse(
        _ payload: UnsafeRawBufferPointer,
        onRecord: (ParsedRecord) -> Void,
        onReject: (ParseError) -> Void
    ) {
        guard let start = payload.baseAddress, payload.count > 0 else { return }
        if !isKnownUniquelyReferenced(&scratch) {
            scratch = RecordScratch(maxLineBytes: maxLineBytes, maxKeyBytes: maxKeyBytes, maxFields: maxFields)
        }
        let base = start.assumingMemoryBound(to: UInt8.self)
        Self.forEachLine(base, count: payload.count) { lineStart, end in
            parseLine(base, lineStart, end, onRecord: onRecord, onReject: onReject)
        }
    }

    /// Calls `body(start, end)` for each `\n`-separated line of `base[0..<count]`, its line ending
    /// (and a `\r` before it) excluded: the framing that ``parse(_:onRecord:onReject:)`` and
    /// ``recordCount(in:)`` share, so that they cannot disagree on what a line is.
    @inline(__always)
    static func forEachLine(_ base: UnsafePointer<UInt8>, count: Int, _ body: (Int, Int) -> Void) {
        var lineStart = 0
        while lineStart < count {
            var lineEnd = count
            if let newline = memchr(base + lineStart, 0x0A, count - lineStart) {
                lineEnd = UnsafeRawPointer(newline) - UnsafeRawPointer(base)
            }
            var end = lineEnd
            if end > lineStart && base[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            body(lineStart, end)
            lineStart = lineEnd + 1
        }
    }

    /// `base[start..<end]` without its leading and trailing spaces and tabs.
    @inline(__always)
    static func trimmed(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (start: Int, end: Int) {
        var start = start, end = end
        while start < end && (base[start] == UInt8(ascii: " ") || base[start] == UInt8(ascii: "\t")) { start += 1 }
        while end > start && (base[end - 1] == UInt8(ascii: " ") || base[end - 1] == UInt8(ascii: "\t")) { end -= 1 }
        return (start, end)
    }

    /// Decodes every line of `payload`, as the `UnsafeRawBufferPointer` overload does.
    public mutating func parse(
        _ payload: [UInt8],
        onRecord: (ParsedRecord) -> Void,
        onReject: (ParseError) -> Void
    ) {
        payload.withUnsafeBytes { parse($0, onRecord: onRecord, onReject: onReject) }
    }

    /// Decodes `payload` into owned records, for tests and tools. `receivedAt` stands in
    /// for missing timestamps.
    public mutating func decode(_ payload: [UInt8], receivedAt: Double) -> (records: [Record], errors: [ParseError]) {
        var records: [Record] = []
        var errors: [ParseError] = []
        parse(payload) { records.append(Record($0, receivedAt: receivedAt)) } onReject: { errors.append($0) }
        return (records, errors)
    }

    /// Decodes the UTF-8 of `text` into owned records, for tests and tools.
    public mutating func decode(_ text: String, receivedAt: Double) -> (records: [Record], errors: [ParseError]) {
        decode(Array(text.utf8), receivedAt: receivedAt)
    }

    /// Decodes the line `base[lineStart..<lineEnd]` (line ending removed).
    @inline(__always)
    private func parseLine(
        _ base: UnsafePointer<UInt8>, _ lineStart: Int, _ lineEnd: Int,
        onRecord: (ParsedRecord) -> Void, onReject: (ParseError) -> Void
    ) {
        if lineEnd - lineStart > maxLineBytes {
            onReject(ParseError(reason: .tooLarge, offset: lineStart, line: lineStart..<lineEnd,
                                detail: "line longer than max line bytes"))
            return
        }
        let (start, end) = Self.trimmed(base, lineStart, lineEnd)
        if start == end { return }
        let scratch = self.scratch
        scratch.reset()
        do {
            let first = base[start]
            switch format {
            case .json:
                var decoder = JSONLineDecoder(base: base, start: start, end: end, scratch: scratch)
                try decoder.decode()
            case .influx:
                if first == UInt8(ascii: "#") { return }
                var decoder = InfluxLineDecoder(
                    base: base, start: start, end: end, scratch: scratch, precision: influxPrecision)
                try decoder.decode()
            case .graphite:
                var decoder = GraphiteLineDecoder(base: base, start: start, end: end, scratch: scratch)
                try decoder.decode()
            case .auto:
                if first == UInt8(ascii: "{") {
                    var decoder = JSONLineDecoder(base: base, start: start, end: end, scratch: scratch)
                    try decoder.decode()
                } else if first == UInt8(ascii: "#") {
                    return
                } else if looksLikeGraphite(base, start, end, scratch: scratch) {
                    var decoder = GraphiteLineDecoder(base: base, start: start, end: end, scratch: scratch)
                    try decoder.decode()
                } else {
                    var decoder = InfluxLineDecoder(
                        base: base, start: start, end: end, scratch: scratch, precision: influxPrecision)
                    try decoder.decode()
                }
            }
        } catch {
            onReject(ParseError(reason: error.reason, offset: error.offset, line: lineStart..<lineEnd,
                                detail: error.detail))
            return
        }
        onRecord(ParsedRecord(
            seriesKey: UnsafeRawBufferPointer(start: scratch.key, count: scratch.keyCount),
            timestamp: scratch.timestamp,
            fields: ParsedFields(
                names: scratch.names, spans: scratch.nameSpans, values: scratch.values,
                count: scratch.fieldCount),
            line: lineStart..<lineEnd))
    }
}
