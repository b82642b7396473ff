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

@Test func calibrationRoundTripsThroughJSON() throws {
    let calibration = ScoreCalibration(
        reconstructionNLL: [800, 810, 805, 900, 790], latentDistance: [1, 2, 3, 4], latentWeight: 0.25)
    let json = try calibration.jsonString()
    #expect(json.hasPrefix(#"{"latent":{"#))
    #expect(try ScoreCalibration(jsonString: json) == calibration)
}
