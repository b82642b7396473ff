import Foundation
import Testing
@testable import Detector

/// `count` draws from GPD(shape, scale) by the inverse CDF: `σ/ξ (U^(−ξ) − 1)`, or `−σ log U`.
private func gpdSample(shape: Double, scale: Double, count: Int, seed: UInt64) -> [Double] {
    var random = SeededRandom(seed: seed)
    return (0..<count).map { _ in
        let u = random.nextOpenUnit()
        return shape == 0 ? -scale * log(u) : scale / shape * (pow(u, -shape) - 1)
    }
}

@Test(arguments: [(0.3, 2.0), (0.0, 1.5), (-0.2, 1.0)])
func grimshawRecoversTheShapeAndScale(shape: Double, scale: Double) {
    let excesses = gpdSample(shape: shape, scale: scale, count: 5000, seed: 7)
    let fitted = GeneralizedPareto.fit(excesses: excesses)
    #expect(abs(fitted.shape - shape) < 0.06, "ξ = \(fitted.shape)")
    #expect(abs(fitted.scale / scale - 1) < 0.08, "σ = \(fitted.scale)")
    // The maximum-likelihood fit is at least as likely as the true parameters.
    let truth = GeneralizedPareto(shape: shape, scale: scale)
    #expect(fitted.logLikelihood(of: excesses) >= truth.logLikelihood(of: excesses) - 1e-6)
}

/// SPOT's usual refit: a tenth new peaks over a ring of 1,000. Started from the last fit, the
/// fit reaches the same maximum of the likelihood as the full scan.
@Test(arguments: [(0.3, 2.0), (0.05, 1.5), (-0.2, 1.0), (-0.45, 3.0)])
func aRefitFromTheLastFitMatchesTheFullScan(shape: Double, scale: Double) {
    let sample = gpdSample(shape: shape, scale: scale, count: 1100, seed: 5)
    let before = GeneralizedPareto.fit(excesses: Array(sample.prefix(1000)))
    let after = Array(sample.suffix(1000))
    let full = GeneralizedPareto.fit(excesses: after)
    let warm = GeneralizedPareto.fit(excesses: after, near: before)
    #expect(abs(warm.logLikelihood(of: after) - full.logLikelihood(of: after)) < 1e-6,
            "warm \(warm) vs full \(full)")
    #expect(abs(warm.shape - full.shape) < 1e-4 && abs(warm.scale / full.scale - 1) < 1e-4)
    // From an exponential fit there is no root to start from: the full scan runs.
    #expect(GeneralizedPareto.fit(excesses: after, near: GeneralizedPareto(shape: 0, scale: 1)) == full)
}

@Test func fewExcessesFallBackToTheMethodOfMoments() {
    let excesses = [1.0, 2.0, 3.0, 4.0]
    let fitted = GeneralizedPareto.fit(excesses: excesses)
    // mean 2.5, variance 5/3: ξ = (1 − 6.25 / (5/3)) / 2 = −1.375, σ = 2.5 (3.75 + 1) / 2 = 5.9375.
    #expect(abs(fitted.shape - -1.375) < 1e-12)
    #expect(abs(fitted.scale - 5.9375) < 1e-12)
    #expect(GeneralizedPareto.fit(excesses: [2, 2, 2]) == GeneralizedPareto(shape: 0, scale: 2))
}

@Test func spotThresholdMatchesTheTheoreticalQuantileOfAGPDStream() throws {
    let shape = 0.2
    let scale = 1.0
    let risk = 1e-4
    let scores = gpdSample(shape: shape, scale: scale, count: 50_000, seed: 42)
    let spot = try SpotThreshold(configuration: .init(risk: risk), calibration: scores)

    // Peaks over t of a GPD are GPD with the same shape and scale σ + ξ t (threshold stability).
    let t = spot.initialThreshold
    #expect(abs(t - scale / shape * (pow(0.02, -shape) - 1)) < 0.3)
    #expect(abs(spot.distribution.shape - shape) < 0.1, "ξ = \(spot.distribution.shape)")
    #expect(abs(spot.distribution.scale / (scale + shape * t) - 1) < 0.12, "σ = \(spot.distribution.scale)")
    let theoretical = scale / shape * (pow(risk, -shape) - 1)  // ≈ 26.5
    #expect(abs(spot.current / theoretical - 1) < 0.15, "z = \(spot.current), expected ≈ \(theoretical)")
    #expect(spot.peakCount == 999)  // scores above the order statistic at ⌊0.98 n⌋
}

@Test func spotFlagsExtremesWithoutLearningFromThem() throws {
    var spot = try SpotThreshold(
        configuration: .init(risk: 1e-3, maximumPeaks: 200),
        calibration: gpdSample(shape: 0, scale: 1, count: 5000, seed: 1))
    let before = spot
    let extreme = spot.observe(1e6)
    #expect(extreme)
    #expect(spot == before)  // an anomaly changes nothing
    let ordinary = spot.observe(0.1)
    #expect(!ordinary)
    #expect(spot.observedCount == before.observedCount + 1)
    #expect(spot.peakCount == before.peakCount)
}

@Test func spotAlarmRateIsNearTheRiskAndThePeakSetIsBounded() throws {
    let risk = 1e-3
    var spot = try SpotThreshold(
        configuration: .init(risk: risk, maximumPeaks: 500),
        calibration: gpdSample(shape: 0.1, scale: 1, count: 20_000, seed: 3))
    let stream = gpdSample(shape: 0.1, scale: 1, count: 20_000, seed: 4)
    let alarms = stream.count { spot.observe($0) }
    // About 20 expected; alarms are not learnt from, which trims the tail a little (see the type).
    #expect((8...45).contains(alarms), "\(alarms) alarms, expected about \(Double(stream.count) * risk)")
    #expect(spot.retainedPeaks.count == 500)
    #expect(spot.peakCount > 500)
}

@Test func dspotFollowsADriftThatWouldFloodSpot() throws {
    let noise = gpdSample(shape: 0, scale: 1, count: 8000, seed: 9)
    let drifting = noise.enumerated().map { $0.element + 0.004 * Double($0.offset) }  // +32 by the end
    let calibration = Array(drifting.prefix(2000))
    let stream = drifting.dropFirst(2000)

    var spot = try SpotThreshold(
        configuration: .init(risk: 1e-3, maximumPeaks: 100, refitFraction: 0.1), calibration: calibration)
    var dspot = try SpotThreshold(
        configuration: .init(risk: 1e-3, maximumPeaks: 100, depth: 20), calibration: calibration)
    let start = dspot.current
    let spotAlarms = stream.count { spot.observe($0) }
    let dspotAlarms = stream.count { dspot.observe($0) }
    #expect(dspotAlarms < 30, "DSPOT raised \(dspotAlarms)")
    #expect(spotAlarms > 3 * max(dspotAlarms, 1), "SPOT raised \(spotAlarms)")
    #expect(dspot.current > start + 20)  // the threshold moved with the level
}

@Test func spotNeedsEnoughCalibrationScores() {
    #expect(throws: SpotThreshold.InitializationError.tooFewScores(needed: 20, got: 3)) {
        try SpotThreshold(configuration: .init(), calibration: [1, 2, 3])
    }
}

@Test func spotStateRoundTripsThroughJSON() throws {
    var spot = try SpotThreshold(
        configuration: .init(risk: 1e-3, depth: 5), calibration: gpdSample(shape: 0.1, scale: 1, count: 500, seed: 5))
    _ = spot.observe(0.5)
    let data = try JSONEncoder().encode(spot)
    let decoded = try JSONDecoder().decode(SpotThreshold.self, from: data)
    #expect(decoded == spot)
    #expect(decoded.current == spot.current)
}

/// A restored threshold refits as the uninterrupted one: the count of warm refits since the last
/// full root scan is saved with it; a state saved before that count existed still loads.
@Test func spotRefitsAfterARestoreAsWithout() throws {
    let stream = gpdSample(shape: 0.2, scale: 1, count: 30_000, seed: 9)
    var spot = try SpotThreshold(configuration: .init(risk: 1e-3), calibration: Array(stream.prefix(5000)))
    for score in stream[5000..<17_000] { _ = spot.observe(score) }
    var restored = try JSONDecoder().decode(SpotThreshold.self, from: JSONEncoder().encode(spot))
    for score in stream[17_000...] {
        #expect(spot.observe(score) == restored.observe(score))
    }
    #expect(restored == spot && restored.current == spot.current)

    var object = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(spot)) as? [String: Any])
    #expect(object.removeValue(forKey: "refitsSinceFullScan") != nil)
    let old = try JSONDecoder().decode(SpotThreshold.self, from: JSONSerialization.data(withJSONObject: object))
    #expect(old.current == spot.current)
}
