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
