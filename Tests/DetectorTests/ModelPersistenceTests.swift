import Foundation
import Testing
@testable import Detector

@Suite struct ModelPersistenceTests {
    private func trainedDetector(_ group: GroupConfiguration) throws -> (StreamingDetector, [Double]) {
        let detector = StreamingDetector(groups: [group])
        var rng = SeededRandom(seed: 5)
        let values = (0..<1100).map { syntheticValue($0, rng: &rng) }
        try feed(detector, count: 700) { values[$0] }
        return (detector, values)
    }

    @Test func savedAndLoadedModelScoresIdentically() throws {
        let group = smallGroup()
        let (original, values) = try trainedDetector(group)
        let model = try #require(original.trainedModel(group: 0))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("anomalyd-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path)
        let loaded = try TrainedModel.read(from: path, configurationHash: group.modelHash)
        // Every member of the ensemble, each with its own calibration.
        #expect(model.members.count == group.training.ensemble && group.training.ensemble > 1)
        #expect(loaded.members == model.members && loaded.scalers == model.scalers)
        #expect(Set(model.members.map(\.vae.parameters)).count == model.members.count, "members share a seed")
        #expect(loaded.evidenceTail == model.evidenceTail)
        #expect(loaded.rangeCalibration == model.rangeCalibration && loaded.version == 1 && loaded.fields == ["value"])

        // The restored detector needs the series' history first (without a model, so its
        // threshold learns nothing); then it loads the model and both score alike.
        var untrained = group
        untrained.training.minWindows = 1_000_000
        untrained.training.reservoir = 1_000_000
        #expect(untrained.modelHash == group.modelHash)
        let restored = StreamingDetector(groups: [untrained])
        try feed(restored, count: 700) { values[$0] }
        let event = try restored.load(loaded, intoGroup: 0)
        #expect(event.action == .loaded && event.version == 1)
        let a = RecordingSink(), b = RecordingSink()
        original.sink = a
        restored.sink = b
        try feed(original, count: 400, start: 700) { values[$0] }
        try feed(restored, count: 400, start: 700) { values[$0] }
        #expect(a.results.count == 400)
        #expect(a.results.map(\.score) == b.results.map(\.score))
        #expect(a.results.map(\.anomalyScore) == b.results.map(\.anomalyScore))
    }

    @Test func modelFromAnotherConfigurationIsRefused() throws {
        let group = smallGroup()
        let (original, _) = try trainedDetector(group)
        let model = try #require(original.trainedModel(group: 0))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("anomalyd-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path)
        var other = group
        other.window = 24
        #expect(other.modelHash != group.modelHash)
        #expect(throws: ModelLoadError.self) { try TrainedModel.read(from: path, configurationHash: other.modelHash) }
        let loaded = try TrainedModel.read(from: path, configurationHash: nil)
        #expect(throws: ModelLoadError.configurationMismatch(expected: other.modelHash, found: group.modelHash)) {
            try StreamingDetector(groups: [other]).load(loaded, intoGroup: 0)
        }
        // Threshold and alert settings do not change the hash.
        var retuned = group
        retuned.threshold.falseAlarmsPerDay = 0.01
        retuned.alerts.resolveAfter = 9
        #expect(retuned.modelHash == group.modelHash)
    }

    @Test func worseModelIsRejected() throws {
        let (detector, _) = try trainedDetector(smallGroup())
        let sink = RecordingSink()
        detector.sink = sink
        var bad = try #require(detector.trainedModel(group: 0))
        bad.version = 2
        bad.previousValidationLoss = bad.validationLoss - 1
        #expect(detector.install(bad).action == .rejected)
        #expect(detector.trainedModel(group: 0)?.version == 1)
        bad.previousValidationLoss = nil
        bad.validationLoss = .nan
        #expect(detector.install(bad).action == .rejected)
        #expect(sink.models.map(\.action) == [.rejected, .rejected])
    }
}
