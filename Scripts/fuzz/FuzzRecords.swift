/// One libFuzzer input: decodes it in every format, with small limits so that the limit
/// paths are reached too, and checks every outcome: keys and names are valid UTF-8 within
/// their limits, values are numbers or missing, offsets lie inside their line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let payload = UnsafeRawBufferPointer(start: data, count: size)
    for format in RecordFormat.allCases {
        for (maxLineBytes, maxFields, maxKeyBytes) in [(65_536, 64, 256), (64, 2, 8)] {
            var parser = RecordParser(
                format: format, influxPrecision: .nanoseconds,
                maxLineBytes: maxLineBytes, maxFields: maxFields, maxKeyBytes: maxKeyBytes)
            parser.parse(payload) { record in
                precondition(record.seriesKey.count >= 1 && record.seriesKey.count <= maxKeyBytes)
                precondition(!record.fields.isEmpty && record.fields.count <= maxFields)
                precondition(record.line.lowerBound >= 0 && record.line.upperBound <= size)
                precondition(record.timestamp.map { $0.isFinite } ?? true)
                _ = String(validating: record.seriesKey, as: UTF8.self)!
                for field in record.fields {
                    precondition(field.name.count >= 1)
                    precondition(field.value.map { !$0.isNaN } ?? true)
                    _ = String(validating: field.name, as: UTF8.self)!
                }
            } onReject: { error in
                precondition(error.line.contains(error.offset) || error.offset == error.line.upperBound)
                precondition(error.line.upperBound <= size)
            }
        }
    }
    return 0
}
