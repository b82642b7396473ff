import Detector
import Foundation

/// One test record: a series key, a time and named values, lent to the detector.
struct TestRecord: DetectorRecord {
    var key: [UInt8]
    var time: Double
    var names: [[UInt8]]
    var values: [Double]

    init(series: String, time: Double, fields: [(String, Double)]) {
        key = Array(series.utf8)
        self.time = time
        names = fields.map { Array($0.0.utf8) }
        values = fields.map(\.1)
    }

    var seriesKeyBytes: UnsafeRawBufferPointer { key.withUnsafeBytes { $0 } }
    var recordTime: Double? { time }
    var fieldCount: Int { names.count }
    func fieldName(at index: Int) -> UnsafeRawBufferPointer { names[index].withUnsafeBytes { $0 } }
    func fieldValue(at index: Int) -> Double { values[index] }
}

/// Collects everything a detector emits.
final class RecordingSink: DetectorSink {
    var results: [WindowResult] = []
    var alerts: [AlertMessage] = []
    var models: [ModelEvent] = []

    func detector(_ detector: StreamingDetector, scored result: WindowResult) { results.append(result) }
    func detector(_ detector: StreamingDetector, alert: AlertMessage) { alerts.append(alert) }
    func detector(_ detector: StreamingDetector, model event: ModelEvent) { models.append(event) }
}

/// A detector over `groups` whose results, alerts and model events go to a new sink, returned
/// with it: the caller must hold the sink, as the detector holds it weakly.
func recordingDetector(_ groups: [GroupConfiguration], limits: DetectorLimits = DetectorLimits())
    -> (StreamingDetector, RecordingSink)
{
    let detector = StreamingDetector(groups: groups, limits: limits)
    let sink = RecordingSink()
    detector.sink = sink
    return (detector, sink)
}

/// A small, fast group for tests: 16-step windows, a tiny network, few epochs, the first model
/// after 600 windows.
func smallGroup(name: String = "test", match: String = "*") -> GroupConfiguration {
    var g = GroupConfiguration()
    g.name = name
    g.match = match
    g.window = 16
    g.step = .seconds(60)
    g.vae.hidden = [32, 16]
    g.vae.latent = 3
    g.training.minWindows = 600
    g.training.reservoir = 2000
    g.training.retrainEvery = .never
    g.training.epochs = 50
    g.training.batch = 64
    g.training.minHistory = 0  // 600 one-minute windows: 10 hours, less than the default day
    g.alerts.resolveAfter = 3
    g.alerts.minConsecutive = 2
    g.scoring.recentSteps = 1
    return g
}

/// A daily-like sine with noise, one point a minute; `anomaly` may rewrite a value by index.
func syntheticValue(_ i: Int, rng: inout SeededRandom) -> Double {
    let u1 = rng.nextOpenUnit(), u2 = rng.nextOpenUnit()
    let noise = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    return 10 + 3 * sin(2 * .pi * Double(i) / 48) + 0.2 * noise
}

/// Feeds `count` points of series `series` (value from `value`) and trains inline whenever a
/// job is due, as `anomalyd detect` does.
func feed(_ detector: StreamingDetector, series: String = "s", count: Int, start: Int = 0,
          value: (Int) -> Double) throws {
    for i in start..<(start + count) {
        let record = TestRecord(series: series, time: 1_700_000_000 + Double(i) * 60, fields: [("value", value(i))])
        _ = detector.ingest(record, receivedAt: 0)
        detector.flush()
        while let job = detector.nextTrainingJob() { detector.install(try job.run()) }
    }
}
