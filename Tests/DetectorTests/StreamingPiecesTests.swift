import Testing
@testable import Detector

@Suite struct StreamingPiecesTests {
    /// s / (1 + s) of the severity; inside an episode the severity is relative to its peak.
    @Test func reportedScoreByHand() {
        #expect(StreamingDetector.reportedScore(2, threshold: 1, episodePeak: nil) == 2.0 / 3.0)
        #expect(StreamingDetector.reportedScore(1, threshold: 1, episodePeak: nil) == 0.5)
        #expect(StreamingDetector.reportedScore(-3, threshold: 1, episodePeak: nil) == 0)
        // Episode peak severity 4: a window at severity 2 continues it (1/3), one at 8 escalates (2/3).
        #expect(StreamingDetector.reportedScore(2, threshold: 1, episodePeak: 4) == 1.0 / 3.0)
        #expect(StreamingDetector.reportedScore(8, threshold: 1, episodePeak: 4) == 2.0 / 3.0)
        #expect(StreamingDetector.reportedScore(.infinity, threshold: 1, episodePeak: nil) == 1)
    }

    @Test func modelEventJSON() {
        let event = ModelEvent(action: .rejected, group: "pumps", series: nil, version: 3, trainingWindows: 1200,
                               validationLoss: 0.5, reason: "worse \"loss\"")
        #expect(event.json == #"{"kind":"model","event":"rejected","group":"pumps","version":3,"training_windows":1200,"validation_loss":0.5,"reason":"worse \"loss\""}"#)
    }

    @Test func modelHashIgnoresSchedulesButNotShape() {
        let base = GroupConfiguration()
        var schedule = base
        schedule.training.retrainEvery = .never
        schedule.training.epochs = 3
        var shape = base
        shape.vae.latent = 9
        #expect(schedule.modelHash == base.modelHash)
        #expect(shape.modelHash != base.modelHash)
        // Calibration is fitted under the scoring settings: a model is not reused across them.
        var recent = base
        recent.scoring.recentSteps = base.scoring.recentSteps + 1
        var sampled = base
        sampled.scoring.samples = base.scoring.samples + 7
        #expect(recent.modelHash != base.modelHash && sampled.modelHash != base.modelHash)
        var threshold = base
        threshold.threshold.risk = 1e-2
        #expect(threshold.modelHash == base.modelHash)
        #expect(base.modelHash.count == 16)
    }

    /// The reservoir's parallel ring of series ids stays aligned with its snapshot.
    @Test func reservoirSeriesFollowSnapshotOrder() {
        let slot = ModelSlot(series: nil, reservoir: 3, windowSize: 1)
        for id in 0..<5 {
            let v: [Float] = [Float(id)], m: [Float] = [1]
            v.withUnsafeBufferPointer { vb in m.withUnsafeBufferPointer { mb in slot.remember(values: vb, mask: mb, series: id) } }
        }
        #expect(slot.reservoir.snapshot().values == [2, 3, 4])
        #expect(slot.snapshotSeries() == [2, 3, 4])
    }

    @Test func initialThresholdFallsBackWithFewScores() {
        var settings = ThresholdSettings()
        settings.method = .spot
        if case .quantile = TrainingJob.initialThreshold(settings, scores: [1, 2, 3]) {} else { Issue.record("expected the quantile fallback") }
        if case .spot = TrainingJob.initialThreshold(settings, scores: (0..<500).map { Double($0 % 37) }) {} else {
            Issue.record("expected SPOT")
        }
        settings.method = .static
        #expect(TrainingJob.initialThreshold(settings, scores: []).current == settings.value)
    }
}
