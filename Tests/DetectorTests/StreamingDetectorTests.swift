import Foundation
import Testing
@testable import Detector

@Suite struct StreamingDetectorRoutingTests {
    @Test func routesToFirstMatchingGroupAndRejectsUnknownSeries() {
        let detector = StreamingDetector(groups: [smallGroup(name: "pumps", match: "pump-*"),
                                                  smallGroup(name: "fans", match: "fan-*")])
        #expect(detector.ingest(TestRecord(series: "pump-1", time: 0, fields: [("t", 1)]), receivedAt: 0) == .accepted)
        #expect(detector.ingest(TestRecord(series: "fan-1", time: 0, fields: [("t", 1)]), receivedAt: 0) == .accepted)
        #expect(detector.ingest(TestRecord(series: "valve", time: 0, fields: [("t", 1)]), receivedAt: 0)
            == .rejected(.unknownGroup))
        #expect(detector.seriesCount == 2)
        #expect(detector.states[0].group == 0 && detector.states[1].group == 1)
    }

    @Test func seriesLimitAndDuplicatesAreRejected() {
        let detector = StreamingDetector(groups: [smallGroup()], limits: DetectorLimits(maxSeries: 1))
        #expect(detector.ingest(TestRecord(series: "a", time: 0, fields: [("v", 1)]), receivedAt: 0) == .accepted)
        #expect(detector.ingest(TestRecord(series: "b", time: 0, fields: [("v", 1)]), receivedAt: 0)
            == .rejected(.seriesLimit))
        #expect(detector.ingest(TestRecord(series: "a", time: 0, fields: [("v", 2)]), receivedAt: 0)
            == .rejected(.duplicate))
        #expect(detector.ingest(TestRecord(series: "a", time: 60, fields: [("w", 2)]), receivedAt: 0)
            == .rejected(.noFields))
    }

    @Test func fieldsAreMappedByNameWhateverTheirOrder() {
        var group = smallGroup()
        group.window = 2
        let (detector, sink) = recordingDetector([group])
        _ = detector.ingest(TestRecord(series: "a", time: 0, fields: [("x", 1), ("y", 2)]), receivedAt: 0)
        _ = detector.ingest(TestRecord(series: "a", time: 60, fields: [("y", 20), ("x", 10)]), receivedAt: 0)
        #expect(detector.fields(ofGroup: 0) == ["x", "y"])
        #expect(detector.queuedWindows == 1)
        // The queued window, oldest step first, columns x then y.
        #expect(Array(detector.groups[0].filling.values[0..<4]) == [1, 2, 10, 20])
        detector.flush()
        #expect(sink.results.count == 1 && sink.results[0].score == 0 && sink.results[0].sequence == 1)
    }

    @Test func strideAndBatchCapacityControlScoring() {
        var group = smallGroup()
        group.window = 4
        group.stride = 3
        let (detector, sink) = recordingDetector([group], limits: DetectorLimits(batchCapacity: 2))
        for i in 0..<13 {
            _ = detector.ingest(TestRecord(series: "a", time: Double(i) * 60, fields: [("v", Double(i))]), receivedAt: 0)
        }
        // Full from point 4 on; every 3rd new step after that: points 4, 7, 10, 13 → sequences 3, 6, 9, 12.
        // A batch of two auto-flushes, so two were scored already.
        #expect(sink.results.map(\.sequence) == [3, 6, 9, 12].prefix(sink.results.count).map { $0 })
        #expect(sink.results.count == 4)
        #expect(detector.queuedWindows == 0)
    }
}

@Suite struct StreamingDetectorBehaviourTests {
    /// A clean stream raises no alert; a spike and a level shift each open one within a few
    /// steps of their onset, and nothing opens anywhere else.
    @Test func syntheticAnomaliesAlertAtTheRightTimes() throws {
        var group = smallGroup()
        group.training.retrainEvery = .everyWindows(100_000)  // scheduled far off: only a new normal retrains
        group.alerts.minConsecutive = 1  // the default: a spike is one anomalous window
        let (detector, sink) = recordingDetector([group])
        var rng = SeededRandom(seed: 7)
        let clean = (0..<3000).map { syntheticValue($0, rng: &rng) }
        var values = clean
        values[1500] += 6                                       // spike
        for i in 2000..<2100 { values[i] += 8 }                 // level shift for 100 points, past the range
        try feed(detector, count: 3000) { values[$0] }
        let opens = sink.alerts.filter { $0.event.state == .open }.map { Int(($0.event.time - 1_700_000_000) / 60) }
        #expect(opens.contains { (1500...1501).contains($0) }, "no alert opened at the spike: \(opens)")
        #expect(opens.contains { (2000...2004).contains($0) }, "no alert opened at the shift: \(opens)")
        // Nothing opens on clean stretches, away from the injections.
        let stray = opens.filter { !(1500..<1520).contains($0) && !(2000..<2120).contains($0) }
        #expect(stray.isEmpty, "false alarms at \(stray)")
        // Alert messages explain themselves per field, in original units.
        let spike = try #require(sink.alerts.first { $0.event.state == .open })
        let at = Int((spike.event.time - 1_700_000_000) / 60)
        #expect(spike.fields.count == 1 && spike.fields[0].name == "value")
        #expect(abs(spike.fields[0].value - values[at]) < 1e-3)
        #expect(abs(spike.fields[0].expected - clean[at]) < 2.5)
        #expect(spike.model.version == 1)
        #expect(spike.event.anomalyScore > 0.999_999 && spike.event.score > spike.event.threshold)
    }

    /// An anomaly that outlasts four window lengths of anomalous windows is a new normal: its
    /// windows are trained on and a retraining is asked for at once.
    @Test func aLongAnomalyIsLearntAsANewNormal() throws {
        var group = smallGroup()
        group.training.retrainEvery = .everyWindows(100_000)
        let (detector, sink) = recordingDetector([group])
        var rng = SeededRandom(seed: 7)
        var values = (0..<1600).map { syntheticValue($0, rng: &rng) }
        for i in 1000..<1600 { values[i] = 30 }  // far beyond the range, for good
        try feed(detector, count: 1600) { values[$0] }
        #expect(sink.models.map(\.action) == [.trained, .trained])
        #expect(sink.alerts.filter { $0.event.state == .open }.count == 1)
    }

    /// `retrain_every = "never"` trains once and freezes (docs/DESIGN.md §5; `detect --train-rows` relies
    /// on it): not even a new normal retrains it.
    @Test func aFrozenModelIsNeverRetrained() throws {
        let (detector, sink) = recordingDetector([smallGroup()])
        var rng = SeededRandom(seed: 7)
        var values = (0..<3000).map { syntheticValue($0, rng: &rng) }
        for i in 2496..<2800 { values[i] = 30 }  // far beyond the range, for over four window lengths
        try feed(detector, count: 3000) { values[$0] }
        #expect(sink.models.map(\.action) == [.trained])
        #expect(sink.alerts.contains { $0.event.state == .open })
    }

    /// On a clean stream the published score is calibrated: a score of `s` is exceeded by about a
    /// `1 − s` share of the windows, and none reaches the threshold. In the body (to the 1 % tail)
    /// the share is read off the stream itself; beyond it the tail keeps its prior's weight until
    /// the stream outweighs it, and errs towards fewer windows, not more.
    @Test func cleanStreamRaisesNoAlertAndItsScoresAreCalibrated() throws {
        let (detector, sink) = recordingDetector([smallGroup()])
        var rng = SeededRandom(seed: 11)
        let values = (0..<4000).map { syntheticValue($0, rng: &rng) }
        try feed(detector, count: 4000) { values[$0] }
        #expect(sink.alerts.isEmpty)
        let scored = sink.results.filter { $0.modelVersion > 0 }
        #expect(scored.count > 3000)
        #expect(scored.allSatisfy { (0..<1).contains($0.anomalyScore) && !$0.isAnomalous })
        let beyond = Double(scored.filter { $0.anomalyScore > 0.99 }.count) / Double(scored.count)
        #expect(beyond < 0.02, "\(beyond) of windows above 0.99")
        for level in [0.5, 0.9, 0.95] {
            let share = Double(scored.filter { $0.anomalyScore > level }.count) / Double(scored.count)
            // The sampling error of a share of ~3,400 windows that are correlated over a window
            // length is several times the binomial one; a factor of two either way is a real miss.
            #expect(share > (1 - level) / 2 && share < (1 - level) * 2, "\(share) of windows above \(level)")
        }
    }

    /// With `cold_start = false`, windows before the first model are not judged at all.
    @Test func noScoreBeforeTheFirstModelWithoutTheColdStartCheck() throws {
        var group = smallGroup()
        group.scoring.coldStart = false
        let (detector, sink) = recordingDetector([group])
        try feed(detector, count: 500) { Double($0 % 7) }
        #expect(sink.results.count == 500 - 15)
        #expect(sink.results.allSatisfy { $0.score == 0 && $0.anomalyScore == 0 && !$0.alertOpen && $0.modelVersion == 0 })
    }

    /// Before the first model the cold-start check judges every window (docs/DESIGN.md §4's alert, with
    /// model version 0 and no model scores) at the same false-alarm rate: a spike alerts on the
    /// next step (the check judges the step before the newest, against the steps on both sides),
    /// the noisy sine around it does not, and every window still goes to the first model's
    /// reservoir.
    @Test func theColdStartCheckJudgesWindowsBeforeTheFirstModel() throws {
        var group = smallGroup()
        group.alerts.minConsecutive = 1
        let (detector, sink) = recordingDetector([group])
        var rng = SeededRandom(seed: 5)
        var values = (0..<500).map { syntheticValue($0, rng: &rng) }
        values[300] += 15
        try feed(detector, count: 500) { values[$0] }
        #expect(sink.results.count == 500 - 15)
        let threshold = -log10(FalseAlarmRate(perDay: 1e-4).probability(interval: 60))
        #expect(sink.results.allSatisfy { $0.modelVersion == 0 && abs($0.threshold - threshold) < 1e-9 })
        let flagged = sink.results.filter(\.isAnomalous).map(\.sequence)
        #expect(flagged == [301])
        #expect(sink.alerts.map(\.event.state) == [.open, .resolved])
        let open = sink.alerts[0]
        #expect(open.model.version == 0 && open.reconstructionNLL.isNaN && open.latentScore.isNaN)
        #expect(open.fields.count == 1 && open.fields[0].contribution == 1)
        #expect(abs(open.fields[0].value - values[300]) < 1e-3)
        #expect(abs(open.fields[0].expected - 10) < 3.5)
        #expect(detector.trainedModel(group: 0) == nil)
        try feed(detector, count: 115, start: 500) { syntheticValue($0, rng: &rng) }
        #expect(sink.models.map(\.action) == [.trained])  // all 600 windows reached the reservoir
    }

    /// An episode the cold-start check opened goes on under the first model: one `open`.
    @Test func theFirstModelTakesOverAColdStartEpisode() throws {
        var group = smallGroup()
        group.alerts.minConsecutive = 1
        group.alerts.resolveAfter = 30
        let (detector, sink) = recordingDetector([group])
        var rng = SeededRandom(seed: 5)
        var values = (0..<700).map { syntheticValue($0, rng: &rng) }
        values[608] += 30  // window 593 of the 600 before the first model
        try feed(detector, count: 700) { values[$0] }
        #expect(sink.alerts.first?.model.version == 0 && sink.alerts.first?.event.state == .open)
        #expect(sink.results.contains { $0.modelVersion == 1 })
        #expect(sink.alerts.filter { $0.event.state == .open }.count == 1)
    }

    /// A value beyond its series' training range is anomalous by the range evidence alone, even
    /// a jump to the middle of the sine's own values would not be: the model judges the shape,
    /// the range test how far out the value is.
    @Test func aValueFarBeyondTheTrainingRangeIsAnomalous() throws {
        var group = smallGroup()
        group.alerts.minConsecutive = 1
        let (detector, sink) = recordingDetector([group])
        var rng = SeededRandom(seed: 9)
        var values = (0..<800).map { syntheticValue($0, rng: &rng) }
        values[740] = 17  // the sine with its noise spans about 6.4 to 13.6
        try feed(detector, count: 800) { values[$0] }
        let at = try #require(sink.results.first { $0.sequence == 740 })
        #expect(at.modelVersion == 1 && at.isAnomalous && at.anomalyScore > 0.999_999)
        #expect(sink.alerts.filter { $0.event.state == .open }.map { Int(($0.event.time - 1_700_000_000) / 60) } == [740])
    }

    /// Retraining swaps the model in (version 2) and windows inside the alert episode never
    /// reach the reservoir.
    @Test func retrainingSwapsModelsAndSkipsAlertWindows() throws {
        var group = smallGroup()
        group.training.retrainEvery = .everyWindows(700)
        let (detector, sink) = recordingDetector([group])
        var rng = SeededRandom(seed: 3)
        var values = (0..<1400).map { syntheticValue($0, rng: &rng) }
        for i in 900..<920 { values[i] += 8 }
        try feed(detector, count: 1400) { values[$0] }
        #expect(sink.models.map(\.action) == [.trained, .trained])
        #expect(sink.models.map(\.version) == [1, 2])
        #expect(sink.results.last?.modelVersion == 2)
        let excluded = sink.results.filter { $0.isAnomalous || $0.alertOpen }
        #expect(!excluded.isEmpty)
        let reservoir = detector.groups[0].slots[0].reservoir
        #expect(reservoir.appended == sink.results.count - excluded.count)
    }

    /// `model = "per-series"`: each series gets its own slot, job and model version.
    @Test func perSeriesModelsTrainSeparately() throws {
        var group = smallGroup()
        group.model = .perSeries
        group.training.minWindows = 100
        group.training.epochs = 3
        let (detector, sink) = recordingDetector([group])
        for i in 0..<130 {
            for (series, scale) in [("a", 1.0), ("b", 100.0)] {
                let record = TestRecord(series: series, time: Double(i) * 60, fields: [("v", scale * sin(Double(i) / 3))])
                _ = detector.ingest(record, receivedAt: 0)
            }
            detector.flush()
            while let job = detector.nextTrainingJob() { detector.install(try job.run()) }
        }
        #expect(Set(sink.models.compactMap(\.series)) == ["a", "b"])
        #expect(detector.groups[0].slots.count == 2)
        #expect(detector.modelVersion(ofSeries: 0) == 1 && detector.modelVersion(ofSeries: 1) == 1)
        let b = try #require(detector.trainedModel(group: 0, slot: 1))
        #expect(b.series == "b" && Array(b.scalers.keys) == ["b"])
    }

    @Test func trainingIsDeterministic() throws {
        func job() throws -> TrainedModel {
            let detector = StreamingDetector(groups: [smallGroup()])
            try feed(detector, count: 350) { sin(Double($0) / 5) }
            detector.requestTraining()
            return try #require(detector.nextTrainingJob()).run()
        }
        #expect(try job() == job())
    }
}
