import Records

/// The time of receipt the tests pass, so that a missing timestamp is recognisable.
let receivedAt = 42.0

/// Decodes `text` with a fresh parser.
func decode(
    _ text: String, format: RecordFormat = .auto, precision: InfluxPrecision = .nanoseconds,
    maxLineBytes: Int = 65_536, maxFields: Int = 64
) -> (records: [Record], errors: [ParseError]) {
    decode(Array(text.utf8), format: format, precision: precision, maxLineBytes: maxLineBytes, maxFields: maxFields)
}

/// Decodes `bytes` with a fresh parser.
func decode(
    _ bytes: [UInt8], format: RecordFormat = .auto, precision: InfluxPrecision = .nanoseconds,
    maxLineBytes: Int = 65_536, maxFields: Int = 64
) -> (records: [Record], errors: [ParseError]) {
    var parser = RecordParser(
        format: format, influxPrecision: precision, maxLineBytes: maxLineBytes, maxFields: maxFields)
    return parser.decode(bytes, receivedAt: receivedAt)
}

/// Decodes a single line that must succeed, or returns nil.
func decodeOne(_ text: String, format: RecordFormat = .auto, precision: InfluxPrecision = .nanoseconds) -> Record? {
    let result = decode(text, format: format, precision: precision)
    guard result.errors.isEmpty, result.records.count == 1 else { return nil }
    return result.records[0]
}

/// Decodes a single line that must fail, or returns nil.
func rejectOne(_ text: String, format: RecordFormat = .auto) -> ParseError? {
    let result = decode(text, format: format)
    guard result.records.isEmpty, result.errors.count == 1 else { return nil }
    return result.errors[0]
}

/// Shorthand for a field.
func field(_ name: String, _ value: Double?) -> Record.Field {
    Record.Field(name: name, value: value)
}

/// Shorthand for a record.
func record(_ key: String, _ timestamp: Double, _ fields: Record.Field...) -> Record {
    Record(seriesKey: key, timestamp: timestamp, fields: fields)
}
