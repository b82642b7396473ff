import Detector
import Testing

@Suite struct WarmUpCheckTests {
    /// A 9-step window of two fields, worked by hand. Field 0: context 1…8 → median 4.5, IQR
    /// 6.25 − 2.75 = 3.5 → 3.5 / 1.349 = 2.5945 (wider than the 5–95 % range 7.65 − 1.35 over 3.29 =
    /// 1.9149); newest 20 → (20 − 4.5) / 2.5945 = 5.9742σ. Field 1: 3 observed context steps (a
    /// NaN marked observed does not count) is too little to judge.
    @Test func newestStepAgainstItsContextInRobustSigma() {
        var check = WarmUpCheck(threshold: 6, window: 9, fields: 2)
        var values = [Float](), observed = [Float]()
        for t in 0..<8 {
            values += [Float(t + 1), t < 3 ? 50 : (t == 3 ? .nan : 0)]
            observed += [1, t <= 3 ? 1 : 0]
        }
        values += [20, 100]
        observed += [1, 1]
        let score = check.score(values: values, observed: observed)
        let expected = 15.5 / (3.5 / 1.349)
        #expect(abs(score - expected) < 1e-4)
        #expect(score < check.threshold)
        #expect(abs(check.deviations[0] - expected) < 1e-4 && check.medians[0] == 4.5)
        #expect(check.deviations[1] == 0 && check.medians[1].isNaN)

        // A drop below the context is as far in the other direction; a missing newest step is 0.
        values[16] = -11
        #expect(abs(check.score(values: values, observed: observed) - expected) < 1e-4)
        #expect(check.deviations[0] < 0)
        observed[16] = 0
        #expect(check.score(values: values, observed: observed) == 0)
        #expect(check.medians[0] == 4.5)
    }

    /// A constant context has no spread: the scale falls back to 10⁻³ of the level, so a step off
    /// it is far out, and the same value is not.
    @Test func constantContext() {
        var check = WarmUpCheck(threshold: 6, window: 12, fields: 1)
        var values = [Float](repeating: 5, count: 12)
        let observed = [Float](repeating: 1, count: 12)
        #expect(check.score(values: values, observed: observed) == 0)
        values[11] = 5.1
        #expect(abs(check.score(values: values, observed: observed) - 0.1 / 0.005) < 1e-2)
    }
}
