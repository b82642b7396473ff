import Foundation
import Testing

@testable import Detector

/// Idle series expire without changing anything about the others
/// (``StreamingDetector/expireSeries(idleBefore:)``).
@Suite struct SeriesExpiryTests {
    /// What a survivor's verdicts are compared on, with the series named by key (ids move).
    struct Verdict: Equatable {
        var series: String
        var end: Double
        var score: Double
        var anomalyScore: Double
        var isAnomalous: Bool
        var alertOpen: Bool
        var modelVersion: Int
    }

    final class KeyedSink: DetectorSink {
        var verdicts: [Verdict] = []
        var alerts: [String] = []
        func detector(_ detector: StreamingDetector, scored r: WindowResult) {
            verdicts.append(Verdict(
                series: detector.seriesKey(of: r.series), end: r.end, score: r.score, anomalyScore: r.anomalyScore,
                isAnomalous: r.isAnomalous, alertOpen: r.alertOpen, modelVersion: r.modelVersion))
        }
        func detector(_ detector: StreamingDetector, alert: AlertMessage) {
            alerts.append("\(alert.series) \(alert.event.state) \(alert.event.time)")
        }
        func detector(_ detector: StreamingDetector, model event: ModelEvent) {}
    }

    static func group() -> GroupConfiguration {
        var g = smallGroup()
        g.training.minWindows = 300
        g.training.retrainEvery = .everyWindows(400)  // a retraining after the expiry, on retired windows too
        return g
    }

    static func point(_ series: String, _ i: Int, spike: Bool = false) -> TestRecord {
        var rng = SeededRandom(seed: UInt64(i) &* 31 &+ UInt64(series.utf8.reduce(0) { $0 &* 131 &+ Int($1) }))
        let value = syntheticValue(i, rng: &rng) + (spike ? 40 : 0)
        return TestRecord(series: series, time: 1_700_000_000 + Double(i) * 60, fields: [("value", value)])
    }

    /// Four series, then only two of them with a spike in one; the detector that expires the
    /// idle two judges the survivors exactly as the one that keeps them.
    @Test func survivorsAreJudgedExactlyAsWithoutExpiry() throws {
        let sinks = [KeyedSink(), KeyedSink()]
        let detectors = sinks.map { sink -> StreamingDetector in
            let d = StreamingDetector(groups: [Self.group()], limits: DetectorLimits(maxSeries: 4))
            d.sink = sink
            return d
        }
        var expired: [String] = []
        for (n, detector) in detectors.enumerated() {
            func step(_ record: TestRecord) throws {
                #expect(detector.ingest(record, receivedAt: 0) == .accepted)
                detector.flush()
                while let job = detector.nextTrainingJob() { detector.install(try job.run()) }
            }
            for i in 0..<400 { for s in ["a", "b", "c", "d"] { try step(Self.point(s, i)) } }
            detector.activityEpoch = 1
            for i in 400..<900 {
                for s in ["a", "c"] { try step(Self.point(s, i, spike: s == "c" && (700..<703).contains(i))) }
                if n == 0 && i == 450 { expired = detector.expireSeries(idleBefore: 1) }
            }
        }
        #expect(expired == ["b", "d"])
        #expect(detectors[0].seriesCount == 2 && detectors[1].seriesCount == 4)
        let survivors = sinks.map { $0.verdicts.filter { ["a", "c"].contains($0.series) } }
        #expect(survivors[0].count == survivors[1].count && survivors[0].count > 1000)
        #expect(survivors[0] == survivors[1])
        #expect(sinks[0].alerts == sinks[1].alerts)
        #expect(!sinks[0].alerts.isEmpty, "the spike in c raised no alert: the comparison proves less than it should")
        #expect(survivors[0].map(\.modelVersion).max()! > survivors[0].first { $0.end > 1_700_000_000 + 451 * 60 }!.modelVersion,
                "no retraining after the expiry")
    }

    /// The places under `max_series` come back: a full detector refuses a new series, and after
    /// the idle ones expire it admits it; an expired series that returns starts afresh; a series
    /// in an open episode does not expire.
    @Test func expiryGivesBackPlacesAndKeepsOpenEpisodes() throws {
        let (detector, sink) = recordingDetector([Self.group()], limits: DetectorLimits(maxSeries: 3))
        func step(_ record: TestRecord) throws -> IngestOutcome {
            let outcome = detector.ingest(record, receivedAt: 0)
            detector.flush()
            while let job = detector.nextTrainingJob() { detector.install(try job.run()) }
            return outcome
        }
        for i in 0..<400 { for s in ["a", "b", "c"] { #expect(try step(Self.point(s, i)) == .accepted) } }
        // c opens an episode and then falls silent with it open.
        for i in 400..<404 { #expect(try step(Self.point("c", i, spike: true)) == .accepted) }
        #expect(sink.alerts.contains { $0.series == "c" && $0.event.state == .open })
        #expect(try step(Self.point("new", 0)) == .rejected(.seriesLimit))
        detector.activityEpoch = 1
        for i in 404..<420 { #expect(try step(Self.point("a", i)) == .accepted) }
        #expect(detector.expireSeries(idleBefore: 1) == ["b"])
        #expect(detector.seriesCount == 2)
        #expect(try step(Self.point("new", 0)) == .accepted)
        // b comes back as a new series: a fresh window, accepted (not late, not a duplicate).
        #expect(try step(Self.point("b", 0)) == .rejected(.seriesLimit))
        detector.activityEpoch = 2
        for i in 420..<430 { _ = try step(Self.point("a", i)) }
        #expect(detector.expireSeries(idleBefore: 2) == ["new"])
        #expect(try step(Self.point("b", 399)) == .accepted)
        #expect(detector.expireSeries(idleBefore: 2) == [], "c keeps its open episode; b and a are active")
    }
}
