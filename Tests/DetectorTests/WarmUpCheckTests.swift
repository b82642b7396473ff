@testable import Detector
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

    /// A context that sits on one value (a constant, an idle counter that ticks now and then)
    /// has no spread to measure a change against: the field is not judged, whatever the change.
    @Test func aContextWithoutSpreadIsNotJudged() {
        var check = WarmUpCheck(threshold: 6, window: 40, fields: 1)
        var values = [Float](repeating: 5, count: 40)
        values[7] = 6  // one tick in 39: still 90 % one value
        let observed = [Float](repeating: 1, count: 40)
        values[39] = 500
        #expect(check.score(values: values, observed: observed) == 0)
        #expect(check.medians[0] == 5)
    }

    /// A 120-step window (the default; the standard library's sort would allocate from 64
    /// elements): the heap sort puts the context in order, and the score matches the definition
    /// computed with the standard library's sort.
    @Test func aLongWindowMatchesTheDefinition() {
        var rng = SeededRandom(seed: 3)
        let values = (0..<120).map { _ in Float(rng.nextOpenUnit() * 10) }
        let observed = [Float](repeating: 1, count: 120)
        var check = WarmUpCheck(threshold: 6, window: 120, fields: 1)
        let score = check.score(values: values, observed: observed)
        let context = values.dropLast().sorted()
        func quantile(_ q: Double) -> Double {
            let position = q * Double(context.count - 1), lower = Int(position)
            let upper = min(lower + 1, context.count - 1)
            return Double(context[lower]) + Double(context[upper] - context[lower]) * (position - Double(lower))
        }
        let median = quantile(0.5)
        let spread = max((quantile(0.75) - quantile(0.25)) / 1.349, (quantile(0.95) - quantile(0.05)) / 3.29)
        #expect(abs(score - abs(Double(values[119]) - median) / spread) < 1e-3)

        var shuffled = (0..<300).map { Float(($0 * 7919) % 300) }
        shuffled.withUnsafeMutableBufferPointer { WarmUpCheck.heapSort($0) }
        #expect(shuffled == (0..<300).map(Float.init))
    }
}
