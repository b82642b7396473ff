import Foundation
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

    /// A fitted scaler keeps each field's training range (NaN ignored; a field without values
    /// is unbounded); `withoutRange()` and the identity have none.
    @Test func keepsTheRangeItWasFittedOn() {
        let scaler = RobustScaler(fitting: [3, .nan, -2, .nan, 7, .nan], fields: 2)
        #expect(scaler.minimum == [-2, -.greatestFiniteMagnitude])
        #expect(scaler.maximum == [7, .greatestFiniteMagnitude])
        #expect(scaler.withoutRange().minimum == nil && scaler.withoutRange().maximum == nil)
        #expect(scaler.withoutRange().median == scaler.median)
        #expect(RobustScaler(fields: 1).minimum == nil)
    }

    /// The range travels in model files' `normalization` JSON; files written before it was kept
    /// still load, without a range.
    @Test func rangeRoundTripsThroughJSONAndOlderJSONLoads() throws {
        let scaler = RobustScaler(fitting: [1, 2, 3, 40], fields: 1)
        let decoded = try JSONDecoder().decode(RobustScaler.self, from: try JSONEncoder().encode(scaler))
        #expect(decoded == scaler && decoded.maximum == [40])
        let older = try JSONDecoder().decode(RobustScaler.self, from: Data(#"{"median":[2],"scale":[1.5],"clip":10}"#.utf8))
        #expect(older.median == [2] && older.minimum == nil && older.maximum == nil)
    }
}

/// ``RangeCheck``: beyond the range by more than a tenth of it, any observed field.
@Suite struct RangeCheckTests {
    private func outside(_ values: [Float], observed: [Float]? = nil, minimum: [Float], maximum: [Float]) -> Bool {
        let mask = observed ?? [Float](repeating: 1, count: values.count)
        let bounds = values.indices.map { RangeCheck.packed(minimum: minimum[$0], maximum: maximum[$0]) }
        return RangeCheck.isOutside(newest: values, observed: mask, fields: values.count, bounds: bounds)
    }

    @Test func aTenthOfTheRangeIsSlack() {
        // Range [−2, 8] (exact in 8 bits): the bounds widen by 1 on each side.
        #expect(!outside([8.9], minimum: [-2], maximum: [8]))
        #expect(!outside([9], minimum: [-2], maximum: [8]))
        #expect(outside([9.01], minimum: [-2], maximum: [8]))
        #expect(!outside([-3], minimum: [-2], maximum: [8]))
        #expect(outside([-3.01], minimum: [-2], maximum: [8]))
        // A constant training field: any other value is outside.
        #expect(outside([0.01], minimum: [0], maximum: [0]) && !outside([0], minimum: [0], maximum: [0]))
    }

    @Test func anyObservedFieldCountsAndUnboundedFieldsNever() {
        #expect(outside([5, 30], minimum: [0, 0], maximum: [10, 10]))
        #expect(!outside([5, 30], observed: [1, 0], minimum: [0, 0], maximum: [10, 10]))
        #expect(!outside([1e30, -1e30], minimum: [-.infinity, -.greatestFiniteMagnitude],
                         maximum: [.infinity, .greatestFiniteMagnitude]))
    }

    /// Each bound keeps a Float's upper 16 bits, rounded outwards: never narrower than the
    /// range, wider by under 0.8 %; huge bounds stay finite.
    @Test func boundsAreRoundedOutwards() {
        for (low, high): (Float, Float) in [(-3.14159, 2.71828), (-1e-3, 7e4), (-1e30, 1e30), (-0, 0), (-1, 1)] {
            let (l, h) = RangeCheck.unpacked(RangeCheck.packed(minimum: low, maximum: high))
            #expect(l <= low && h >= high)
            #expect(abs(l - low) <= abs(low) / 128 && abs(h - high) <= abs(high) / 128)
            #expect(l.isFinite && h.isFinite)
        }
        #expect(RangeCheck.unpacked(RangeCheck.packed(minimum: -.greatestFiniteMagnitude, maximum: 1)).minimum == -.infinity)
    }
}
