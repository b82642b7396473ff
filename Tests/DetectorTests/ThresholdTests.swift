import Testing
@testable import Detector

@Test func staticAndQuantileThresholds() {
    let fixed = StaticThreshold(value: 3)
    #expect(fixed.observe(3.5) && !fixed.observe(3))

    var quantile = QuantileThreshold(level: 0.9, capacity: 10, calibration: (1...10).map(Double.init))
    #expect(abs(quantile.current - 9.1) < 1e-12)
    let flagged = quantile.observe(50)
    #expect(flagged)  // flagged, not learnt
    #expect(quantile.count == 10 && abs(quantile.current - 9.1) < 1e-12)
    let learnt = quantile.observe(0)
    #expect(!learnt)  // learnt: forgets the oldest (1)
    #expect(abs(quantile.current - 9.1) < 1e-12)  // sorted 0,2,…,10 → 9 + 0.1 × 1
    for _ in 0..<10 { _ = quantile.observe(5) }
    #expect(quantile.current == 5)
    #expect(QuantileThreshold(level: 0.5, calibration: []).current == .infinity)
}

@Test func theThresholdEnumDelegatesAndRoundTripsThroughJSON() throws {
    var threshold = Threshold.quantile(QuantileThreshold(level: 0.5, capacity: 4, calibration: [1, 2, 3, 4]))
    #expect(threshold.current == 2.5)
    let high = threshold.observe(9)
    let low = threshold.observe(0)
    #expect(high && !low)
    #expect(threshold.current == 2.5)  // 0, 2, 3, 4 after forgetting 1
    #expect(try Threshold(jsonString: threshold.jsonString()) == threshold)

    let ramp = (1...200).map(Double.init)
    var spot = Threshold.spot(try SpotThreshold(configuration: .init(risk: 1e-2), calibration: ramp))
    let before = spot.current
    let flagged = spot.observe(1e9)
    #expect(flagged && spot.current == before)
    #expect(try Threshold(jsonString: spot.jsonString()) == spot)

    var fixed = Threshold.fixed(StaticThreshold(value: 1))
    let over = fixed.observe(2)
    #expect(over && fixed.current == 1)
}
