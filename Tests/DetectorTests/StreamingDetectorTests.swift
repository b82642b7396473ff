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
    /// A clean stream raises no alert; a spike and a level shift each open one within a window
    /// length of their onset, and a flat-line within a few steps of its onset (by the flat-line
    /// check: the reconstruction alone predicts a flat step from its flat context).
    @Test func syntheticAnomaliesAlertAtTheRightTimes() throws {
        var group = smallGroup()
        group.training.retrainEvery = .everyWindows(100_000)  // scheduled far off: only a new normal retrains
        let (detector, sink) = recordingDetector([group])
        var rng = SeededRandom(seed: 7)
        let clean = (0..<3000).map { syntheticValue($0, rng: &rng) }
        var values = clean
        values[1500] += 6                                       // spike
        for i in 2000..<2100 { values[i] += 4 }                 // level shift for 100 points
        for i in 2496..<2576 { values[i] = values[2496] }       // flat-line on the steep part of the cycle
        try feed(detector, count: 3000) { values[$0] }
        // The first model, and one retraining when the flat-line outlasts four window lengths of
        // anomalous windows (a new normal, learnt rather than alerted on forever).
        #expect(sink.models.map(\.action) == [.trained, .trained])
        let opens = sink.alerts.filter { $0.event.state == .open }.map { Int(($0.event.time - 1_700_000_000) / 60) }
        for start in [1500, 2000] {
            #expect(opens.contains { $0 >= start && $0 <= start + 20 }, "no alert opened near \(start): \(opens)")
        }
        // The flat-line check: the newest steps are far stiller than any training window.
        #expect(opens.contains { $0 >= 2496 && $0 <= 2510 }, "no alert for the flat-line: \(opens)")
        // Nothing opens on clean stretches, away from the injections.
        let stray = opens.filter { !(1500..<1520).contains($0) && !(2000..<2120).contains($0) && !(2496..<2600).contains($0) }
        #expect(stray.isEmpty, "false alarms at \(stray)")
        // Alert messages explain themselves per field, in original units.
        let spike = try #require(sink.alerts.first { $0.event.state == .open })
        let at = Int((spike.event.time - 1_700_000_000) / 60)
        #expect(spike.fields.count == 1 && spike.fields[0].name == "value")
        #expect(abs(spike.fields[0].value - values[at]) < 1e-3)
        #expect(abs(spike.fields[0].expected - clean[at]) < 2.5)
        #expect(spike.model.version == 1)
    }

    /// `retrain_every = "never"` trains once and freezes (SPEC §5; `detect --train-rows` relies
    /// on it): not even a new normal retrains it.
    @Test func aFrozenModelIsNeverRetrained() throws {
        let (detector, sink) = recordingDetector([smallGroup()])
        var rng = SeededRandom(seed: 7)
        var values = (0..<3000).map { syntheticValue($0, rng: &rng) }
        for i in 2496..<2800 { values[i] = values[2496] }  // a flat-line far longer than four window lengths
        try feed(detector, count: 3000) { values[$0] }
        #expect(sink.models.map(\.action) == [.trained])
        #expect(sink.alerts.contains { $0.event.state == .open })
    }

    @Test func cleanStreamRaisesNoAlert() throws {
        let (detector, sink) = recordingDetector([smallGroup()])
        var rng = SeededRandom(seed: 11)
        let values = (0..<2000).map { syntheticValue($0, rng: &rng) }
        try feed(detector, count: 2000) { values[$0] }
        #expect(sink.alerts.isEmpty)
        let scored = sink.results.filter { $0.modelVersion > 0 }
        #expect(scored.count > 1000)
        #expect(scored.allSatisfy { $0.anomalyScore >= 0 && $0.anomalyScore < 0.5 })
    }

    /// With `warmup_threshold = 0`, windows before the first model are not judged at all.
    @Test func noScoreBeforeTheFirstModelWithoutWarmUp() throws {
        var group = smallGroup()
        group.scoring.warmUpThreshold = 0
        let (detector, sink) = recordingDetector([group])
        try feed(detector, count: 500) { Double($0 % 7) }
        #expect(sink.results.count == 500 - 15)
        #expect(sink.results.allSatisfy { $0.score == 0 && $0.anomalyScore == 0 && !$0.alertOpen && $0.modelVersion == 0 })
    }

    /// Before the first model the warm-up check judges every window (SPEC §4's alert, with model
    /// version 0 and no model scores): a spike alerts at once, the noisy sine around it does not,
    /// and every window still goes to the first model's reservoir.
    @Test func warmUpCheckJudgesWindowsBeforeTheFirstModel() throws {
        var group = smallGroup()
        group.alerts.minConsecutive = 1
        let (detector, sink) = recordingDetector([group])
        var rng = SeededRandom(seed: 5)
        var values = (0..<500).map { syntheticValue($0, rng: &rng) }
        values[300] += 15
        try feed(detector, count: 500) { values[$0] }
        #expect(sink.results.count == 500 - 15)
        #expect(sink.results.allSatisfy { $0.modelVersion == 0 && $0.threshold == 6 })
        let flagged = sink.results.filter(\.isAnomalous).map(\.sequence)
        #expect(flagged == [300])
        #expect(sink.results.filter { $0.sequence != 300 }.allSatisfy { $0.score < 6 && $0.anomalyScore < 0.5 })
        #expect(sink.results.first { $0.sequence == 300 }!.anomalyScore > 0.6)
        #expect(sink.alerts.map(\.event.state) == [.open, .resolved])
        let open = sink.alerts[0]
        #expect(open.model.version == 0 && open.reconstructionNLL.isNaN && open.latentScore.isNaN)
        #expect(open.fields.count == 1 && open.fields[0].contribution == 1)
        #expect(abs(open.fields[0].value - values[300]) < 1e-3)
        #expect(abs(open.fields[0].expected - 10) < 3.5)  // the context's median, on the sine
        #expect(detector.trainedModel(group: 0) == nil)
        try feed(detector, count: 115, start: 500) { syntheticValue($0, rng: &rng) }
        #expect(sink.models.map(\.action) == [.trained])  // all 600 windows reached the reservoir
    }

    /// An episode the warm-up check opened is taken over by the first model with its measures
    /// restarted: the model's first window is reported against the threshold, not divided by the
    /// warm-up spike's severity (another scale).
    @Test func theFirstModelTakesOverAWarmUpEpisodeAfresh() throws {
        var group = smallGroup()
        group.alerts.minConsecutive = 1
        group.alerts.resolveAfter = 30
        let (detector, sink) = recordingDetector([group])
        var rng = SeededRandom(seed: 5)
        var values = (0..<700).map { syntheticValue($0, rng: &rng) }
        values[608] += 30  // window 593 of the 600 before the first model
        try feed(detector, count: 700) { values[$0] }
        #expect(sink.alerts.first?.model.version == 0 && sink.alerts.first?.event.state == .open)
        let first = try #require(sink.results.first { $0.modelVersion == 1 })
        #expect(first.alertOpen || sink.alerts.contains { $0.event.state == .resolved && $0.model.version == 1 })
        let severity = first.score / first.threshold
        #expect(abs(first.anomalyScore - (severity > 0 ? severity / (1 + severity) : 0)) < 1e-12)
        #expect(sink.alerts.filter { $0.event.state == .open }.count == 1)
    }

    /// A newest step outside its series' training range counts `range_factor` times (RangeCheck):
    /// the same stream through a detector with the check off scores every window alike except
    /// those whose newest value lies past the sine's range. One jumps far (anomalous either way,
    /// 8 times as severe with the check); one barely leaves the range at the sine's crest, which
    /// the model finds unusual but below its threshold, and only the check makes it an alert.
    @Test func aValueOutsideTheTrainingRangeCountsRangeFactorTimes() throws {
        var rng = SeededRandom(seed: 9)
        var values = (0..<800).map { syntheticValue($0, rng: &rng) }
        values[684] = 14.6  // the crest is 13; the sine with its noise spans about 6.4 to 13.6
        values[740] = 17  // at 8.5 on the sine
        let checked = try run(values) { $0.scoring.rangeFactor = 8 }
        let unchecked = try run(values) { $0.scoring.rangeFactor = 1 }
        let (on, off) = (checked.results, unchecked.results)
        #expect(on.count == 185 && on.map(\.sequence) == off.map(\.sequence))
        for (a, b) in zip(on, off) where a.sequence != 684 && a.sequence != 740 {
            #expect(a.score == b.score && a.threshold == b.threshold)
        }
        for sequence in [684, 740] {
            let a = try #require(on.first { $0.sequence == sequence }), b = try #require(off.first { $0.sequence == sequence })
            #expect(b.score > 0 && a.threshold == b.threshold)
            #expect(abs(a.score / a.threshold - 8 * b.score / b.threshold) < 1e-9 * a.score / a.threshold)
            #expect(a.isAnomalous)
        }
        let crest = try #require(off.first { $0.sequence == 684 })
        #expect(!crest.isAnomalous && crest.score / crest.threshold > 1.0 / 8)
        // The same episodes otherwise (the far jump, then windows with it in their context).
        #expect(unchecked.opened.first == 740 && checked.opened == [684] + unchecked.opened)
    }

    /// Runs `values` (one a minute) through a detector of `smallGroup()` with `min_consecutive`
    /// 1, changed by `configure`; returns its results under the first model, the times of its
    /// `open` alerts in steps, and the detector.
    private func run(_ values: [Double], _ configure: (inout GroupConfiguration) -> Void) throws
        -> (results: [WindowResult], opened: [Int], detector: StreamingDetector)
    {
        var group = smallGroup()
        group.alerts.minConsecutive = 1
        configure(&group)
        let (detector, sink) = recordingDetector([group])
        try feed(detector, count: values.count) { values[$0] }
        let opened = sink.alerts.filter { $0.event.state == .open }.map { Int(($0.event.time - 1_700_000_000) / 60) }
        return (sink.results.filter { $0.modelVersion == 1 }, opened, detector)
    }

    /// Runs `values` (see ``run(_:_:)``) with a recurrence period of 96 minutes (slots of one
    /// step), the check on (factor 8) and off, the range check off; returns both runs' results
    /// and `open` alert times, and asserts that the marks are counted only with the check.
    private func recurrenceRuns(_ values: [Double]) throws
        -> (on: [WindowResult], off: [WindowResult], opened: (on: [Int], off: [Int]))
    {
        let runs = try [8.0, 1.0].map { factor in
            try run(values) {
                $0.scoring.rangeFactor = 1
                $0.scoring.recurrenceFactor = factor
                $0.scoring.recurrencePeriod = 96 * 60
            }
        }
        // The marks exist only with the check, and are counted (56 bytes an entry at least).
        #expect(runs[0].detector.memoryFootprint.recurrenceBytes >= 56)
        #expect(runs[1].detector.memoryFootprint.recurrenceBytes == 0)
        #expect(runs[0].results.map(\.sequence) == runs[1].results.map(\.sequence))
        return (runs[0].results, runs[1].results, (runs[0].opened, runs[1].opened))
    }

    /// An anomalous window a period after an anomalous window of its series, at the same time of
    /// the period, counts 1/`recurrence_factor` as severe for each period in a row, up to 3
    /// (RecurrenceMarks). The same spike, at the same phase of the sine, every 96 steps (the
    /// period here), and once off the beat, with the check on and off: a window changes if and
    /// only if it is anomalous and k ≥ 1 periods in a row before it had an anomalous window
    /// within ±4 steps (by the model, before any division: a repeat of a repeat still counts; no
    /// anomaly here lasts long enough to be one long anomaly); it then scores 8^k times less.
    @Test func anAnomalyRecurringPeriodsInARowCountsAnEighthEachTime() throws {
        var rng = SeededRandom(seed: 9)
        var values = (0..<900).map { syntheticValue($0, rng: &rng) }
        let repeats = [700, 796, 892], offBeat = 850
        for i in repeats + [offBeat] { values[i] += 8 }
        let (on, off, opened) = try recurrenceRuns(values)
        #expect(on.count == 285)
        let severe = Set(off.filter { $0.score / $0.threshold > 1 }.map(\.sequence))
        func near(_ centre: Int) -> Bool { (centre - 4...centre + 4).contains(where: severe.contains) }
        var divided: [Int: Int] = [:]
        for (a, b) in zip(on, off) {
            let severity = b.score / b.threshold, t = b.sequence
            var k = 0
            if severity > 1 && near(t - 96) && !(t - 91...t - 1).allSatisfy(severe.contains) {
                k = 1
                while k < 3 && near(t - 96 * (k + 1)) { k += 1 }
            }
            #expect(a.threshold == b.threshold)
            if k > 0 {
                divided[t] = k
                let expected = severity / pow(8, Double(k))
                #expect(abs(a.score / a.threshold - expected) < 1e-9 * severity)
                #expect(a.isAnomalous == (expected > 1))
            } else {
                #expect(a.score == b.score && a.isAnomalous == b.isAnomalous)
            }
        }
        // The repeats (over 3 thresholds, as their first) fall below the threshold, the third by
        // 64; the first and the one off the beat alert either way.
        #expect(Set(repeats + [offBeat]).isSubset(of: severe))
        #expect(divided[796] == 1 && divided[892] == 2 && divided[offBeat] == nil)
        #expect(opened.off.contains(796) && opened.off.contains(892))
        #expect(!opened.on.contains(796) && !opened.on.contains(892))
        #expect(opened.on.contains(700) && opened.on.contains(offBeat))
    }

    /// An anomaly that lasts longer than a period is one long anomaly, not a repeat of itself: a
    /// flat line from step 650 on (every window anomalous from its fourth flat step) scores and
    /// alerts alike with the check on and off, still anomalous over a period later.
    @Test func anAnomalyLastingLongerThanAPeriodIsNotARepeat() throws {
        var rng = SeededRandom(seed: 9)
        let values = (0..<900).map { i in i >= 650 ? 10 : syntheticValue(i, rng: &rng) }
        let (on, off, opened) = try recurrenceRuns(values)
        for (a, b) in zip(on, off) {
            #expect(a.score == b.score && a.threshold == b.threshold && a.isAnomalous == b.isAnomalous)
        }
        let flat = on.filter { $0.sequence >= 660 }
        #expect(flat.count == 240 && flat.allSatisfy { $0.isAnomalous })
        #expect(opened.on == opened.off && on.last?.alertOpen == true)
    }

    /// Once the marks reach the sweep count, the next new entry sweeps them: the ones that can
    /// no longer count (the newest more than a period and twice the tolerance before their own
    /// series' newest step) go, the rest stay. Here two planted entries for series "x" and "y",
    /// which sent one point each, long before "s": one stale by their own clock, one not.
    @Test func aSweepDropsStaleRecurrenceMarks() throws {
        var group = smallGroup()
        group.scoring.recurrencePeriod = 96 * 60
        group.alerts.minConsecutive = 1
        let (detector, _) = recordingDetector([group])
        for series in ["x", "y"] {
            _ = detector.ingest(TestRecord(series: series, time: 1_700_000_000, fields: [("value", 1)]), receivedAt: 0)
        }
        var rng = SeededRandom(seed: 9)
        var values = (0..<660).map { syntheticValue($0, rng: &rng) }
        values[650] += 8
        let start = RecurrenceMarks.slot(at: 1_700_000_000, period: 96 * 60)
        detector.recurrences = [0: RecurrenceMarks(marking: start - 105), 1: RecurrenceMarks(marking: start - 104)]
        detector.recurrenceSweepCount = 3
        try feed(detector, count: 660) { values[$0] }
        // The spike (step 650) makes series "s" (id 2) the third entry; "x"'s mark is 105 of its
        // steps back, stale; "y"'s, 104 back, could still count.
        #expect(detector.recurrences.keys.sorted() == [1, 2])
        #expect(detector.recurrenceSweepCount == 1024)
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
