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

/// ``RangeEvidence``: the conformal probability of lying beyond the training range, extended
/// past it by the exponential tail's predictive (Lomax) distribution.
@Suite struct RangeEvidenceTests {
    /// `scaler`'s range as the slab row holds it.
    private func row(_ scaler: RobustScaler) -> [Float] {
        var row = [Float](repeating: .nan, count: RangeEvidence.floats(fields: scaler.fields))
        row.withUnsafeMutableBufferPointer { RangeEvidence.store(scaler, into: $0.baseAddress!) }
        return row
    }

    private func logTail(_ newest: [Float], observed: [Float]? = nil, range: [Float]) -> Double {
        let mask = observed ?? [Float](repeating: 1, count: newest.count)
        return RangeEvidence.logTail(newest: newest, observed: mask, fields: newest.count, range: range)
    }

    private func fitted(_ values: [Float], fields: Int = 1) -> RobustScaler {
        var scaler = RobustScaler(fitting: values, fields: fields)
        scaler.rangeSampleSize = values.count / fields
        return scaler
    }

    @Test func insideTheRangeIsNoEvidenceAndBeyondItDecaysByTheTailScale() throws {
        let scaler = fitted((0..<999).map { Float($0 % 100) })
        let range = row(scaler)
        let high = scaler.scaled(99, field: 0), low = scaler.scaled(0, field: 0)
        #expect(logTail([high], range: range) == 0 && logTail([low], range: range) == 0)
        #expect(logTail([(high + low) / 2], range: range) == 0)
        // Just past the maximum: the conformal 2 / (n + 1).
        #expect(abs(logTail([high.nextUp], range: range) - log(2.0 / 1000)) < 1e-4)
        // Three upper tail scales past it, measured on m = 10 extremes: (1 + 3/10)⁻¹⁰ smaller.
        let beyond = high + 3 * range[3]
        #expect(abs(logTail([beyond], range: range) - (log(2.0 / 1000) - 10 * log(1.3))) < 1e-3)
        #expect(abs(RangeEvidence.logClaim(fields: 1, range: range) - log(2.0 / 1000)) < 1e-4)
        #expect(logTail([.infinity], range: range) == -.infinity)
        #expect(logTail([.nan], range: range) == 0)
    }

    @Test func theSmallestFieldCountsTimesTheFieldsAndUnobservedFieldsNot() {
        var values: [Float] = []
        for i in 0..<500 { values += [Float(i % 50), Float(i % 20)] }
        let scaler = fitted(values, fields: 2)
        let range = row(scaler)
        let x = scaler.scaled(49, field: 0) + 2 * range[3], y = scaler.scaled(19, field: 1) + 5 * range[7]
        let single = logTail([x, 0], range: range)
        #expect(abs(single - (log(2.0 / 501) - 10 * log(1.2) + log(2.0))) < 1e-3)
        #expect(abs(logTail([x, y], range: range) - (log(2.0 / 501) - 10 * log(1.5) + log(2.0))) < 1e-3)
        #expect(abs(logTail([x, y], observed: [1, 0], range: range) - single) < 1e-9)
    }

    @Test func aScalerWithoutARangeClaimsNothing() {
        let range = row(RobustScaler(fields: 1))
        #expect(logTail([1e30], range: range) == 0)
        #expect(RangeEvidence.logClaim(fields: 1, range: range) == -.infinity)
    }

    /// The claim holds on exchangeable data: a new Gaussian value lies beyond `n` others with
    /// probability 2 / (n + 1), and the extended tail is no more often below a level `α` than `α`
    /// says (within sampling error).
    @Test func theClaimHoldsOnExchangeableData() {
        var random = SeededRandom(seed: 11)
        func gaussian() -> Float {
            Float((-2 * log(random.nextOpenUnit())).squareRoot() * cos(2 * Double.pi * random.nextOpenUnit()))
        }
        let n = 199, trials = 20_000
        var beyond = 0, belowAlpha = 0
        let alpha = 1e-3
        for _ in 0..<trials {
            let sample = (0..<n).map { _ in gaussian() }
            let scaler = fitted(sample)
            let range = row(scaler)
            let tail = logTail([scaler.scaled(gaussian(), field: 0)], range: range)
            if tail < 0 { beyond += 1 }
            if tail < log(alpha) { belowAlpha += 1 }
        }
        let claimed = 2.0 / Double(n + 1) * Double(trials)  // 200
        #expect(abs(Double(beyond) - claimed) < 4 * claimed.squareRoot(), "\(beyond) beyond, \(claimed) claimed")
        #expect(Double(belowAlpha) < alpha * Double(trials) + 3 * (alpha * Double(trials)).squareRoot(),
                "\(belowAlpha) below \(alpha)")
    }

    @Test func theOnlineCalibrationScalesUpAClaimTheStreamBreaks() {
        var calibration = RangeEvidence.Calibration()
        let never = -Double.infinity  // a level no count rejects at
        #expect(calibration.logCorrection == 0 && calibration.corrected(-10, logLevel: never) == -10
            && calibration.corrected(0, logLevel: never) == 0)
        // As often beyond the range as claimed: no correction.
        for i in 0..<1000 { calibration.count(beyond: i % 100 == 0, logClaim: log(0.01)) }
        #expect(abs(calibration.logCorrection) < 1e-9)
        // A trend: beyond on every window; the correction is the observed-to-claimed ratio.
        var trend = RangeEvidence.Calibration()
        for _ in 0..<1000 { trend.count(beyond: true, logClaim: log(0.01)) }
        #expect(abs(trend.logCorrection - log(1001.0 / 11)) < 1e-9)
        #expect(trend.corrected(-3, logLevel: never) == 0
            && abs(trend.corrected(-10, logLevel: never) - (-10 + log(1001.0 / 11))) < 1e-9)
        // At a real level, 1000 windows beyond where 10 were claimed reject the claim: no evidence.
        #expect(trend.rejects(atLogLevel: log(1e-6)) && trend.corrected(-30, logLevel: log(1e-6)) == 0)
        #expect(!calibration.rejects(atLogLevel: log(1e-6)))
        // A series without a range is not counted.
        trend.count(beyond: true, logClaim: -.infinity)
        #expect(abs(trend.logCorrection - log(1001.0 / 11)) < 1e-9)
    }

    @Test func theTwoTestsCombineAsTheStrongerDoubled() {
        // Inside the range the model's probability stands as it is.
        #expect(RangeEvidence.combined(model: -10, range: 0) == -10)
        #expect(RangeEvidence.combined(model: -0.1, range: 0) == -0.1)
        // Beyond it, the stronger of the two, doubled, at most 1.
        #expect(RangeEvidence.combined(model: -3, range: -12) == -12 + log(2.0))
        #expect(RangeEvidence.combined(model: -10, range: -2) == -10 + log(2.0))
        #expect(RangeEvidence.combined(model: -0.1, range: -0.2) == 0)
    }
}
