#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Detector
import Foundation

/// `anomalyd-bench series [COUNT]`: the memory of COUNT series (default 1,000,000) in one shared-
/// model group at window 120 × 1 field, each series sent `window` points so its ring is full and
/// touched. Prints `series.rss.seriesN` (the process's resident set after ingest, Linux only),
/// `series.bytes_per_series` (``StreamingDetector/memoryFootprint``, from buffer capacities)
/// and `series.ingest` (records/s while the series are created and filled).
func runSeriesMemoryBenchmark(count argument: String?) {
    let count = argument.flatMap { Int($0) } ?? 1_000_000
    var group = GroupConfiguration()
    group.window = 120
    group.step = .seconds(60)
    group.training.minWindows = .max  // no training: this measures the per-series state only
    let detector = StreamingDetector(groups: [group], limits: DetectorLimits(maxSeries: count, maxFields: 1))
    var record = BenchRecord()
    let start = DispatchTime.now().uptimeNanoseconds
    // Series by series, rather than step by step, so no window becomes full before its series'
    // last point: a full window would be queued and scored (no model: score 0), which is work this
    // figure does not measure. The ring is written in full either way.
    for s in 0..<count {
        record.key = Array("host-\(s).cpu".utf8)
        for t in 0..<group.window - 1 {
            record.time = 1_700_000_000 + Double(t) * 60
            record.value = Double((s + t) % 17)
            _ = detector.ingest(record, receivedAt: 0)
        }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let memory = detector.memoryFootprint
    if let rss = residentBytes() { print("series.rss.series\(count) \(rss) bytes") }
    print("series.bytes_per_series \(Int(memory.bytesPerSeries.rounded())) bytes")
    print("series.ingest \(Int(Double(count * (group.window - 1)) / seconds)) records/s")
}

/// VmRSS from /proc/self/status, in bytes.
private func residentBytes() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        return kilobytes.map { $0 * 1024 }
    }
    return nil
}

private struct BenchRecord: DetectorRecord {
    var key: [UInt8] = []
    var time = 0.0
    var value = 0.0
    static let name = Array("value".utf8)
    var seriesKeyBytes: UnsafeRawBufferPointer { key.withUnsafeBytes { $0 } }
    var recordTime: Double? { time }
    var fieldCount: Int { 1 }
    func fieldName(at index: Int) -> UnsafeRawBufferPointer { Self.name.withUnsafeBytes { $0 } }
    func fieldValue(at index: Int) -> Double { value }
}
