import Detector

/// One CSV row lent to the detector as a record of one series: the key and the field names are
/// borrowed from a ``FieldNameBuffers`` that outlives the call, the values from the table.
struct CSVRowRecord: DetectorRecord {
    let keyBytes: UnsafeRawBufferPointer
    let names: [UnsafeRawBufferPointer]
    let values: ArraySlice<Double>
    let time: Double

    var seriesKeyBytes: UnsafeRawBufferPointer { keyBytes }
    var recordTime: Double? { time }
    var fieldCount: Int { names.count }
    func fieldName(at index: Int) -> UnsafeRawBufferPointer { names[index] }
    func fieldValue(at index: Int) -> Double { values[values.startIndex + index] }
}

/// The UTF-8 bytes of a series key and of a table's field names at stable addresses, as
/// ``CSVRowRecord`` lends them to the detector; freed with the value.
final class FieldNameBuffers {
    /// The series key.
    let key: UnsafeRawBufferPointer
    /// One buffer per field name, in the table's order.
    let names: [UnsafeRawBufferPointer]
    private let storage: [UnsafeMutableRawBufferPointer]

    init(series: String, fieldNames: [String]) {
        storage = ([series] + fieldNames).map { text in
            let bytes = Array(text.utf8)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
            buffer.copyBytes(from: bytes)
            return UnsafeMutableRawBufferPointer(rebasing: buffer[0..<bytes.count])
        }
        key = UnsafeRawBufferPointer(storage[0])
        names = storage.dropFirst().map { UnsafeRawBufferPointer($0) }
    }

    deinit {
        for buffer in storage { buffer.deallocate() }
    }

    /// Row `row` of `table` as a record of this series.
    func record(_ table: CSVTable, row: Int) -> CSVRowRecord {
        CSVRowRecord(keyBytes: key, names: names, values: table.row(row), time: table.timestamps[row])
    }
}
