import Testing
@testable import Detector

@Test func robustScaleUsesTheMedianAndTheScaledIQR() {
    let scale = ScoreCalibration.RobustScale(fitting: [1, 2, 3, 4, 5, .nan])
    #expect(scale.median == 3)
    #expect(abs(scale.scale - 2 / 1.349) < 1e-12)  // IQR 4 − 2
    #expect(abs(scale.standardize(3 + 2 / 1.349) - 1) < 1e-12)
    let flat = ScoreCalibration.RobustScale(fitting: [7, 7, 7])
    #expect(flat.scale > 0 && flat.standardize(7) == 0)
}

@Test func theCombinedScoreWeightsTheLatentPart() {
    let calibration = ScoreCalibration(
        reconstruction: .init(median: 100, scale: 10), latent: .init(median: 2, scale: 0.5), latentWeight: 0.5)
    let parts = calibration.components(reconstructionNLL: 210, latentDistance: 5.2)
    #expect(abs(parts.reconstruction - 11) < 1e-12)
    #expect(abs(parts.latent - 3.2) < 1e-12)
    #expect(abs(calibration.score(reconstructionNLL: 210, latentDistance: 5.2) - 14.2) < 1e-12)
}

@Test func anomalyScoreIsAMonotoneSquashingHalfAtTheThreshold() {
    #expect(ScoreCalibration.anomalyScore(score: 9.7, threshold: 9.7) == 0.5)
    #expect(ScoreCalibration.anomalyScore(score: -3, threshold: 9.7) == 0)
    #expect(ScoreCalibration.anomalyScore(score: .infinity, threshold: 9.7) == 1)
    #expect(abs(ScoreCalibration.anomalyScore(score: 19.4, threshold: 9.7) - 16.0 / 17.0) < 1e-12)
    var previous = -1.0
    for step in 0...200 {
        let value = ScoreCalibration.anomalyScore(score: Double(step) * 0.25, threshold: 9.7)
        #expect((0...1).contains(value) && value >= previous)
        previous = value
    }
    #expect(ScoreCalibration.severity(score: 14.162, threshold: 9.7) > 1.45)
}

@Test func calibrationRoundTripsThroughJSON() throws {
    let calibration = ScoreCalibration(
        reconstructionNLL: [800, 810, 805, 900, 790], latentDistance: [1, 2, 3, 4], latentWeight: 0.25)
    let json = try calibration.jsonString()
    #expect(json.hasPrefix(#"{"latent":{"#))
    #expect(try ScoreCalibration(jsonString: json) == calibration)
}

@Test func meanStepChangeCoversTheNewestStepsOfEachField() {
    // Two fields, six steps, oldest first; the newest four steps of field 0 move by 2, 3, 0 and
    // field 1 is still, with one missing step that drops its two pairs.
    let x: [Float] = [0, 9, 50, 9, 51, 9, 53, 9, 56, 0, 56, 9]
    let mask: [Float] = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1]
    let change = ScoreCalibration.meanStepChange(x, mask: mask, window: 6, fields: 2, span: 4)
    #expect(abs(change - (2 + 3 + 0 + 0) / 4) < 1e-12)  // field 0: 2, 3, 0; field 1: 0
    #expect(ScoreCalibration.meanStepChange(x, mask: [Float](repeating: 0, count: 12), window: 6, fields: 2, span: 4)
        == .infinity)
    #expect(ScoreCalibration.flatSpan(window: 64) == 16 && ScoreCalibration.flatSpan(window: 8) == 4)
    #expect(ScoreCalibration.flatSpan(window: 3) == 3)
}

@Test func aFlatLineIsSevereOnlyAgainstASeriesThatNeverStoodStill() throws {
    let moving = ScoreCalibration(
        reconstructionNLL: [1, 2, 3], latentDistance: [1, 2, 3], latentWeight: 0.5, stepChanges: [0.4, 0.0999, .infinity])
    #expect(moving.flatFloor == 0.0999)
    #expect(abs(moving.flatSeverity(stepChange: 0) - 3) < 1e-9)  // 1,000 times stiller than the stillest window
    #expect(moving.flatSeverity(stepChange: 0.2) == 0)
    #expect(moving.flatSeverity(stepChange: 0.02) > 0 && moving.flatSeverity(stepChange: 0.02) < 1)
    // A series that was already flat in training (a constant, an idle counter) never trips it.
    let idle = ScoreCalibration(reconstructionNLL: [1], latentDistance: [1], latentWeight: 0.5, stepChanges: [0, 1])
    #expect(idle.flatSeverity(stepChange: 0) == 0)
    // Model files from before the check have no floor, and the check is off.
    let old = try? ScoreCalibration(jsonString:
        #"{"latent":{"median":0,"scale":1},"latentWeight":0.5,"reconstruction":{"median":0,"scale":1}}"#)
    #expect(old?.flatFloor == nil && old?.flatSeverity(stepChange: 0) == 0)
    #expect(try ScoreCalibration(jsonString: moving.jsonString()) == moving)
}
