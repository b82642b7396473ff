import Detector
import Testing

@Suite struct RobustScalerTests {
    @Test func fitsMedianAndIQRPerField() {
        // Field 0: 1...9 → median 5, q1 3, q3 7 → scale 4/1.349. Field 1: constant 10 with one NaN.
        var values: [Float] = []
        for i in 1...9 { values += [Float(i), i == 5 ? .nan : 10] }
        let scaler = RobustScaler(fitting: values, fields: 2)
        #expect(scaler.median == [5, 10])
        #expect(abs(scaler.scale[0] - 4 / 1.349) < 1e-5)
        #expect(abs(scaler.scale[1] - 0.01) < 1e-6)  // constant field: floor of 1e-3 × |level|
        #expect(abs(scaler.scaled(9, field: 0) - 4 / (4 / 1.349)) < 1e-4)
        #expect(abs(scaler.unscaled(scaler.scaled(3.5, field: 0), field: 0) - 3.5) < 1e-5)
    }

    @Test func clipsTrainingValuesOnly() {
        let scaler = RobustScaler(fitting: [0, 1, 2, 3, 4], fields: 1, clip: 3)
        #expect(scaler.clipped(1000, field: 0) == 3)
        #expect(scaler.clipped(-1000, field: 0) == -3)
        #expect(scaler.scaled(1000, field: 0) > 100)
    }

    @Test func identityWithoutData() {
        let scaler = RobustScaler(fitting: [.nan, .nan], fields: 1)
        #expect(scaler.median == [0] && scaler.scale == [1])
    }
}
