/// A decoded record lent to the sink of ``RecordParser/parse(_:onRecord:onReject:)``.
///
/// It borrows the parser's reusable buffers: every pointer in it is valid only until the
/// sink returns, and the next line overwrites them. Copy out what you keep — the series
/// key bytes into your own table, the values into your windows — or make a ``Record``.
public struct ParsedRecord {
    /// The canonical series key in UTF-8 (see ``Record/seriesKey``), 1 to `maxKeyBytes`
    /// bytes.
    public let seriesKey: UnsafeRawBufferPointer
    /// Seconds since the Unix epoch, or `nil` when the line had none and the time of
    /// receipt applies.
    public let timestamp: Double?
    /// The fields in line order; at least one.
    public let fields: ParsedFields
    /// Where the line lies in the payload, without its line ending.
    public let line: Range<Int>
}

/// One field of a ``ParsedRecord``, valid as long as the record is.
public struct ParsedField {
    /// The field name in UTF-8.
    public let name: UnsafeRawBufferPointer
    /// The value, or `nil` for a missing value (`null`, NaN, ±Inf).
    public let value: Double?
}

/// The fields of a ``ParsedRecord``, in line order, without copying them.
public struct ParsedFields: RandomAccessCollection {
    let names: UnsafePointer<UInt8>
    let spans: UnsafePointer<ByteSpan>
    let values: UnsafePointer<Double>

    /// The position of the first field, 0.
    public var startIndex: Int { 0 }
    /// The number of fields.
    public let endIndex: Int

    init(names: UnsafePointer<UInt8>, spans: UnsafePointer<ByteSpan>, values: UnsafePointer<Double>, count: Int) {
        self.names = names
        self.spans = spans
        self.values = values
        self.endIndex = count
    }

    /// The field at `position`.
    @inline(__always)
    public subscript(position: Int) -> ParsedField {
        precondition(position >= 0 && position < endIndex, "field index out of range")
        let span = spans[position]
        let value = values[position]
        return ParsedField(
            name: UnsafeRawBufferPointer(start: names + span.start, count: span.count),
            value: value.isNaN ? nil : value)
    }

    /// The value of field `position`, with NaN standing for a missing value: the cheapest
    /// way to copy values into a window.
    @inline(__always)
    public func rawValue(at position: Int) -> Double {
        precondition(position >= 0 && position < endIndex, "field index out of range")
        return values[position]
    }
}
