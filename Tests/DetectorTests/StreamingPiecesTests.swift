import Testing
@testable import Detector

@Suite struct StreamingPiecesTests {
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
        threshold.threshold.falseAlarmsPerDay = 1e-2
        #expect(threshold.modelHash == base.modelHash)
        #expect(base.modelHash.count == 16)
    }

    /// The reservoir's parallel rings of series ids and times stay aligned with its snapshot.
    @Test func reservoirSeriesFollowSnapshotOrder() {
        let slot = ModelSlot(series: nil, reservoir: 3, windowSize: 1)
        for id in 0..<5 {
            let v: [Float] = [Float(id)], m: [Float] = [1]
            v.withUnsafeBufferPointer { vb in m.withUnsafeBufferPointer { mb in slot.remember(values: vb, mask: mb, series: id, time: Double(100 * id)) } }
        }
        #expect(slot.reservoir.snapshot().values == [2, 3, 4])
        #expect(slot.snapshotSeries() == [2, 3, 4])
        #expect(slot.snapshotTimes() == [200, 300, 400])
    }
}
