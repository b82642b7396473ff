import Detector

/// One CSV row lent to the detector as a record of the single series `csv`.
struct CSVRowRecord: DetectorRecord {
    /// The series key every row shares.
    static let key: [UInt8] = Array("csv".utf8)

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
