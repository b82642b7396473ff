/// Why a line was rejected. Every rejected line is counted under one of these reasons
/// (`anomalyd_records_rejected_total{reason}`, docs/DESIGN.md §3 and §8).
///
/// The codecs produce ``malformed``, ``tooLarge``, ``noFields`` and ``badTimestamp``;
/// the detector uses ``seriesLimit``, ``late``, ``duplicate``, ``unknownGroup`` and
/// ``outOfRange`` for records that decoded well but cannot be admitted; the daemon uses
/// ``droppedQueueFull`` and ``futureTimestamp``.
///
/// The raw value is a dense index (`0..<allCases.count`), so per-reason counters can live in an
/// array and counting a rejection on the hot path needs no dictionary and no string.
public enum RejectReason: Int, Hashable, Sendable, CaseIterable {
    /// The line breaks its format's syntax: a truncated object, a wrong type, invalid
    /// UTF-8, a duplicate key, an empty series, a number that overflows a Double.
    case malformed
    /// The line, its series key or a field name is longer than the configured limit,
    /// or it has more than `maxFields` fields.
    case tooLarge
    /// The line is well formed but carries no numeric (or missing) field: every field was
    /// a string, or there were none.
    case noFields
    /// The timestamp has the wrong type or syntax, or lies outside 0001-01-01 to
    /// 9999-12-31 (which is also how a millisecond timestamp sent as seconds is caught).
    case badTimestamp
    /// The series is new and `max_series` series are already active.
    case seriesLimit
    /// The record is older than its series window accepts.
    case late
    /// The record repeats a timestamp the series already has.
    case duplicate
    /// No model group's `match` glob matches the series key.
    case unknownGroup
    /// The daemon's bounded input queue (`input.queue_bytes`) was full when the record's message
    /// arrived, so the message was dropped whole and its records counted here (docs/RELIABILITY.md §3).
    case droppedQueueFull
    /// The timestamp lies more than `limits.max_future` ahead of the daemon's clock: one bad clock
    /// must not move a series' window into the future and lock its real points out as `late`.
    case futureTimestamp
    /// A value is finite as a Double but beyond the range of a Float (about ±3.4e38), the precision
    /// windows are kept in: it would become infinite and poison the window and the next model.
    case outOfRange

    /// The value of the `reason` label in metrics, such as `too_large`.
    public var label: String {
        switch self {
        case .malformed: "malformed"
        case .tooLarge: "too_large"
        case .noFields: "no_fields"
        case .badTimestamp: "bad_timestamp"
        case .seriesLimit: "series_limit"
        case .late: "late"
        case .duplicate: "duplicate"
        case .unknownGroup: "unknown_group"
        case .droppedQueueFull: "dropped_queue_full"
        case .futureTimestamp: "future_timestamp"
        case .outOfRange: "out_of_range"
        }
    }
}

/// A rejected line: why, where, and a short static explanation for the log sample.
public struct ParseError: Error, Sendable, CustomStringConvertible {
    /// The counted reason.
    public var reason: RejectReason
    /// The byte offset in the payload of the first byte that made the line invalid.
    /// For faults of the line as a whole (no fields, no series, a duplicate tag, a series
    /// key over the limit) it is the offset of the line's first non-blank byte; for a line
    /// over `maxLineBytes`, of its first byte.
    public var offset: Int
    /// The byte range of the line in the payload, without its `\r\n` or `\n`, so that the
    /// caller can log a sample.
    public var line: Range<Int>
    /// A short, constant explanation such as `"unterminated string"`.
    public var detail: StaticString

    /// Creates a parse error.
    public init(reason: RejectReason, offset: Int, line: Range<Int>, detail: StaticString) {
        self.reason = reason
        self.offset = offset
        self.line = line
        self.detail = detail
    }

    /// `reason at byte N: detail`, for logs.
    public var description: String {
        "\(reason.label) at byte \(offset): \(detail)"
    }
}

/// The error a line decoder throws; ``RecordParser`` completes it with the line range.
struct LineError: Error {
    var reason: RejectReason
    var offset: Int
    var detail: StaticString

    static func malformed(_ offset: Int, _ detail: StaticString) -> LineError {
        LineError(reason: .malformed, offset: offset, detail: detail)
    }

    static func tooLarge(_ offset: Int, _ detail: StaticString) -> LineError {
        LineError(reason: .tooLarge, offset: offset, detail: detail)
    }

    static func badTimestamp(_ offset: Int, _ detail: StaticString) -> LineError {
        LineError(reason: .badTimestamp, offset: offset, detail: detail)
    }
}
