/// One decoded metric record, as an owned value: convenient for tests, tools and the
/// offline pipeline. The daemon's hot path uses ``ParsedRecord`` instead, which borrows
/// reusable buffers and never allocates.
public struct Record: Hashable, Sendable {
    /// One named measurement of a record.
    public struct Field: Hashable, Sendable {
        /// The field name, such as `temp` or `value`.
        public var name: String
        /// The value, or `nil` when the producer sent a missing value (`null`, NaN, ±Inf).
        public var value: Double?

        /// Creates a field.
        public init(name: String, value: Double?) {
            self.name = name
            self.value = value
        }
    }

    /// The canonical series key: the JSON `series` or Influx measurement followed by the
    /// sorted tags rendered `,key=value` (tag keys and values escaped as in Influx line
    /// protocol), or the Graphite path. 1 to 256 bytes of UTF-8.
    public var seriesKey: String
    /// Seconds since the Unix epoch. When the line carried no timestamp this is the time
    /// of receipt that the decoder was given.
    public var timestamp: Double
    /// The fields in the order the line listed them. Never empty.
    public var fields: [Field]

    /// Creates a record.
    public init(seriesKey: String, timestamp: Double, fields: [Field]) {
        self.seriesKey = seriesKey
        self.timestamp = timestamp
        self.fields = fields
    }

    /// Copies a borrowed record into an owned value, using `receivedAt` when the line
    /// carried no timestamp.
    public init(_ parsed: ParsedRecord, receivedAt: Double) {
        self.seriesKey = String(decoding: parsed.seriesKey, as: UTF8.self)
        self.timestamp = parsed.timestamp ?? receivedAt
        self.fields = parsed.fields.map {
            Field(name: String(decoding: $0.name, as: UTF8.self), value: $0.value)
        }
    }

    /// The first field called `name`, if any.
    public func field(named name: String) -> Field? {
        fields.first { $0.name == name }
    }
}
