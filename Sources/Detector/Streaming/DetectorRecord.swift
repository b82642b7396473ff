import Records

/// One record as the detector reads it: a series key, a time and named values, all borrowed.
///
/// The detector copies what it keeps (the key into its ``SeriesIndex``, the values into the
/// series' window) and never holds on to the pointers, so a codec can lend its reusable buffers.
/// ``Records/ParsedRecord`` conforms directly; `anomalyd detect` lends its CSV rows the same way.
public protocol DetectorRecord {
    /// The series key in UTF-8.
    var seriesKeyBytes: UnsafeRawBufferPointer { get }
    /// Seconds since the epoch, or nil when the caller must supply the time of receipt.
    var recordTime: Double? { get }
    /// The number of fields.
    var fieldCount: Int { get }
    /// The UTF-8 name of field `index`.
    func fieldName(at index: Int) -> UnsafeRawBufferPointer
    /// The value of field `index`; NaN or ±∞ is a missing value.
    func fieldValue(at index: Int) -> Double
}

extension ParsedRecord: DetectorRecord {
    public var seriesKeyBytes: UnsafeRawBufferPointer { seriesKey }
    public var recordTime: Double? { timestamp }
    public var fieldCount: Int { fields.count }
    @inline(__always)
    public func fieldName(at index: Int) -> UnsafeRawBufferPointer { fields[index].name }
    @inline(__always)
    public func fieldValue(at index: Int) -> Double { fields.rawValue(at: index) }
}
