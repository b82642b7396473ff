import Foundation
import Testing
@testable import Detector

/// The judge's stages, each against a truth derived independently of its code: closed forms
/// (the false-alarm rate's `q`, the generalized Pareto and Student's t survival functions, type-7
/// quantiles, the range test's `2 / (n + 1)` and its Lomax tail), maximum-likelihood recovery of
/// known parameters from large seeded samples, the calibration of tail probabilities (exact
/// evidence stays exact, overconfident evidence is corrected, noise windows cross a level `α`
/// at most about an `α` share of the time), and the onset gate's bookkeeping of an incident's peak.
///
/// Every sample is drawn from ``SeededRandom``, so each run sees the same numbers; the tolerances
/// are set from the sampling error of the estimate they bound (stated where they are used), at
/// three or more standard errors, so that a stage off by its own promise fails.
@Suite struct JudgeStageTests {
    // MARK: - Helpers

    /// `n` standard normal draws (Box–Muller).
    static func gaussians(_ n: Int, _ random: inout SeededRandom) -> [Double] {
        (0..<n).map { _ in
            let u = random.nextOpenUnit(), v = random.nextOpenUnit()
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
    }

    /// `n` draws of a generalized Pareto distribution by its inverse CDF: `σ/ξ (U^−ξ − 1)`, or
    /// `−σ ln U` when ξ = 0.
    static func paretoSample(_ n: Int, shape: Double, scale: Double, seed: UInt64) -> [Double] {
        var random = SeededRandom(seed: seed)
        return (0..<n).map { _ in
            let u = random.nextOpenUnit()
            return shape == 0 ? -scale * log(u) : scale / shape * (pow(u, -shape) - 1)
        }
    }

    /// A range row as ``RangeEvidence/store(_:into:)`` lays it out for one field: low, high,
    /// lower and upper tail scale, `ln((n + 1) / 2)`.
    static func rangeRow(low: Float, high: Float, lowScale: Float, highScale: Float, sampleSize n: Double) -> [Float] {
        [low, high, lowScale, highScale, Float(log((n + 1) / 2))]
    }

    static func rangeLogTail(_ newest: [Float], observed: [Float]? = nil, range: [Float]) -> Double {
        let seen = observed ?? [Float](repeating: 1, count: newest.count)
        return RangeEvidence.logTail(newest: newest, observed: seen, fields: newest.count, range: range)
    }

    static func coldStart(_ values: [Float], window: Int) -> (logTail: Double, check: ColdStartCheck) {
        var check = ColdStartCheck(window: window, fields: 1)
        let observed = [Float](repeating: 1, count: values.count)
        let logTail = check.logTail(values: values, observed: observed)
        return (logTail, check)
    }

    // MARK: - FalseAlarmRate

    @Test func falseAlarmRateIsPerDayTimesIntervalOverADayCappedAtAHalf() {
        let rate = FalseAlarmRate(perDay: 4)
        // Judged every minute: 1 440 windows a day, 4 of them may cross.
        #expect(abs(rate.probability(interval: 60) - 4.0 / 1440) < 1e-15)
        #expect(abs(rate.probability(interval: 300) - 4.0 * 300 / 86_400) < 1e-15)
        // 4 a day judged hourly would be 1/6; judged every 6 hours 1, which is capped.
        #expect(abs(rate.probability(interval: 3600) - 1.0 / 6) < 1e-15)
        #expect(rate.probability(interval: 6 * 3600) == 0.5)
        #expect(FalseAlarmRate(perDay: 1e6).probability(interval: 1) == 0.5)
    }

    // MARK: - Quantile and Student's t

    @Test func quantileIsTypeSevenInterpolation() {
        let values: [Double] = [1, 2, 3, 4]
        #expect(Quantile.ofSorted(values, level: 0) == 1)
        #expect(Quantile.ofSorted(values, level: 1) == 4)
        #expect(abs(Quantile.ofSorted(values, level: 0.5) - 2.5) < 1e-15)  // position 1.5
        #expect(abs(Quantile.ofSorted(values, level: 0.9) - 3.7) < 1e-12)  // position 2.7
        #expect(Quantile.ofSorted([7], level: 0.3) == 7)
    }

    @Test func studentTTailMatchesTheClosedFormsForOneAndTwoDegreesOfFreedom() {
        // ν = 1 (Cauchy): P(|T| ≥ t) = 1 − 2/π · atan t. ν = 2: P(|T| ≥ t) = 1 − t / √(2 + t²).
        for t in [0.1, 0.5, 1.0, 2.0, 5.0, 30.0, 1000.0] {
            let cauchy = log1p(-2 / Double.pi * atan(t))
            let two = log1p(-t / (2 + t * t).squareRoot())
            #expect(abs(StudentT.logTwoSidedTail(t, degreesOfFreedom: 1) - cauchy) < 1e-9 * max(1, abs(cauchy)))
            #expect(abs(StudentT.logTwoSidedTail(-t, degreesOfFreedom: 2) - two) < 1e-9 * max(1, abs(two)))
        }
        // Many degrees of freedom approach the normal: P(|Z| ≥ 1.96) = 0.05 (within 1e-3 at ν = 10⁵).
        #expect(abs(exp(StudentT.logTwoSidedTail(1.959_964, degreesOfFreedom: 100_000)) - 0.05) < 1e-3)
        #expect(StudentT.logTwoSidedTail(0, degreesOfFreedom: 3) == 0)
        #expect(StudentT.logTwoSidedTail(.infinity, degreesOfFreedom: 3) == -.infinity)
        // Far out the log keeps ranking: ν = 1 tail ≈ 2/(π t).
        let far = StudentT.logTwoSidedTail(1e12, degreesOfFreedom: 1)
        #expect(abs(far - log(2 / (Double.pi * 1e12))) < 1e-6)
    }

    // MARK: - GeneralizedPareto

    @Test func paretoLogSurvivalAndExcessMatchTheClosedForm() {
        let heavy = GeneralizedPareto(shape: 0.3, scale: 2)
        #expect(abs(heavy.logSurvival(5) - (-log(1 + 0.3 * 5 / 2) / 0.3)) < 1e-12)
        let exponential = GeneralizedPareto(shape: 0, scale: 2)
        #expect(abs(exponential.logSurvival(5) - -2.5) < 1e-15)
        let bounded = GeneralizedPareto(shape: -0.5, scale: 1)  // end point σ/|ξ| = 2
        #expect(abs(bounded.logSurvival(1) - 2 * log(0.5)) < 1e-12)
        #expect(bounded.logSurvival(3) == -.infinity)
        #expect(heavy.logSurvival(0) == 0 && heavy.logSurvival(-1) == 0)
        // excess(exceededWithProbability:) inverts the survival function.
        for distribution in [heavy, exponential, bounded] {
            for p in [0.5, 0.1, 1e-3] {
                let y = distribution.excess(exceededWithProbability: p)
                #expect(abs(distribution.logSurvival(y) - log(p)) < 1e-9)
            }
        }
    }

    @Test func paretoFitRecoversAKnownHeavyTail() {
        // n = 5 000 from ξ = 0.25, σ = 1.5. The MLE's standard errors are (1 + ξ)/√n ≈ 0.018 for ξ
        // and σ √(2(1 + ξ)/n) ≈ 0.034 for σ; the tolerances are about four of them.
        let sample = Self.paretoSample(5000, shape: 0.25, scale: 1.5, seed: 11)
        let fitted = GeneralizedPareto.fit(excesses: sample)
        #expect(abs(fitted.shape - 0.25) < 0.07)
        #expect(abs(fitted.scale - 1.5) < 0.14)
        // The MLE is at least as likely as the truth on its own sample.
        #expect(fitted.logLikelihood(of: sample) >= GeneralizedPareto(shape: 0.25, scale: 1.5).logLikelihood(of: sample))
        // And the likelihood-ratio rule keeps so clear a heavy tail.
        let unbounded = GeneralizedPareto.fitUnbounded(excesses: sample)
        #expect(unbounded == fitted)
    }

    @Test func paretoFitRecoversABoundedTail() {
        // ξ = −0.2, σ = 1, n = 5 000: standard errors (1 + ξ)/√n ≈ 0.011 and σ √(2(1 + ξ)/n) ≈ 0.018.
        let sample = Self.paretoSample(5000, shape: -0.2, scale: 1, seed: 12)
        let fitted = GeneralizedPareto.fit(excesses: sample)
        #expect(abs(fitted.shape + 0.2) < 0.05)
        #expect(abs(fitted.scale - 1) < 0.08)
        // fitUnbounded never claims an end point: the exponential with the mean excess.
        let unbounded = GeneralizedPareto.fitUnbounded(excesses: sample)
        #expect(unbounded.shape == 0)
        #expect(abs(unbounded.scale - sample.reduce(0, +) / Double(sample.count)) < 1e-12)
    }

    @Test func anExponentialSampleKeepsShapeZeroUnderTheLikelihoodRatioRule() {
        // 40 exponential samples of 200: the test rejects ξ = 0 for a positive shape with
        // probability about 2.5 % (half the 5 % level: only ξ̂ > 0 counts), so about one in 40;
        // six or more would have probability below 10⁻³ (Binomial(40, 0.025)).
        var rejected = 0
        for seed in 0..<40 {
            let sample = Self.paretoSample(200, shape: 0, scale: 3, seed: 100 + UInt64(seed))
            let fitted = GeneralizedPareto.fitUnbounded(excesses: sample)
            if fitted.shape != 0 {
                rejected += 1
                #expect(fitted.shape > 0)
            } else {
                #expect(abs(fitted.scale - sample.reduce(0, +) / 200) < 1e-12)
            }
        }
        #expect(rejected <= 5)
        // Fewer than minimumExcessesForLikelihood excesses: always the exponential.
        let few = Self.paretoSample(9, shape: 0.9, scale: 1, seed: 7)
        #expect(GeneralizedPareto.fitUnbounded(excesses: few).shape == 0)
    }

    // MARK: - ScoreTail

    @Test func scoreTailReadsTheQuantileLevelBackInTheBodyAndTheTail() {
        // 20 000 scores, exponential of scale 2: P(C ≥ c) = e^(−c/2), quantile −2 ln(1 − p).
        let scores = Self.paretoSample(20_000, shape: 0, scale: 2, seed: 21)
        let tail = ScoreTail(fitting: scores)
        #expect(tail.tail.shape == 0)
        // The top 2 % are 400 excesses: their mean excess has relative error 5 %.
        #expect(abs(tail.tail.scale - 2) < 0.3)
        // Body: the empirical distribution's error at level p is √(p(1 − p)/n) ≤ 0.0035, the 256
        // quantiles' interpolation about 1/256; a relative tolerance of 8 % on 1 − p ≥ 0.05 covers
        // both several times.
        for p in [0.25, 0.5, 0.8, 0.95] {
            let c = -2 * log(1 - p)
            #expect(abs(exp(tail.logSurvival(c)) / (1 - p) - 1) < 0.08, "level \(p)")
        }
        // Tail (beyond the 98 % threshold): the fitted exponential; at 1 − p = 10⁻³ (6 units past
        // the threshold) the scale's 5 % error moves ln p by about 0.15, the threshold's own by less;
        // 0.5 is over three such errors. At 10⁻⁵ (15 units past, beyond any sampled score) 1.2.
        #expect(abs(tail.logSurvival(-2 * log(1e-3)) - log(1e-3)) < 0.5)
        #expect(abs(tail.logSurvival(-2 * log(1e-5)) - log(1e-5)) < 1.2)
        // Below every quantile: certainty.
        #expect(tail.logSurvival(-1) == 0)
        #expect(tail.logSurvival(.nan) == 0)
    }

    @Test func scoreTailFarBeyondTheSampleIsFiniteAndDecreasing() {
        var random = SeededRandom(seed: 22)
        let scores = Self.gaussians(3000, &random)
        let tail = ScoreTail(fitting: scores)
        var previous = tail.logSurvival(tail.threshold)
        for score in [5.0, 10, 30, 100, 1000, 1e5] {
            let value = tail.logSurvival(score)
            #expect(value.isFinite, "score \(score)")
            #expect(value < previous, "score \(score)")
            previous = value
        }
        // Monotone across the body too.
        let grid = stride(from: -4.0, through: 4.0, by: 0.05).map(tail.logSurvival)
        #expect(zip(grid, grid.dropFirst()).allSatisfy { $0 >= $1 })
        // The scale is floored at minimumScale (a unit Gaussian's tail excesses are far smaller).
        #expect(tail.tail.scale >= ScoreTail.minimumScale)
    }

    @Test func scoreTailOfFewScoresIsAUnitExponentialOverTheirMaximum() {
        let tail = ScoreTail(fitting: [1, 4, 2, .nan, 3])
        // Four finite scores: tail level 1 − 1/5, threshold 4, scale 1.
        #expect(tail.threshold == 4)
        #expect(abs(tail.logSurvival(7) - (log(0.2) - 3)) < 1e-12)
    }

    // MARK: - EvidenceTail

    @Test func aFreshEvidenceTailBelievesTheFirstStage() {
        let fresh = EvidenceTail()
        // Its prior is the unit exponential exactly: equal bins in the exact cumulative level,
        // interpolated linearly in it, and an exponential tail of rate 1 % and unit scale.
        for e in [0.01, 0.3, 1, 2.5, 4.5, EvidenceTail.threshold, 5, 10, 40] {
            #expect(abs(fresh.logSurvival(e) + e) < 1e-9, "evidence \(e)")
        }
        #expect(fresh.logSurvival(0) == 0)
        #expect(abs(fresh.count - EvidenceTail.priorWindows) < 1e-9)
        #expect(abs(fresh.exceedanceRate - 0.01) < 1e-12 && abs(fresh.scale - 1) < 1e-12)
    }

    @Test func exactEvidenceStaysExact() {
        // 20 000 windows of unit-exponential evidence. In the body the share above e has standard
        // error √(e^−e / n), ≤ 5 % of it up to e = 4: 0.15 in ln p is three of them. In the tail
        // (about 200 exceedances) rate and scale are each within 7 %, which at e = 7 (2.4 past the
        // threshold) moves ln p by about 0.18: 0.5 allows nearly three.
        var tail = EvidenceTail()
        var random = SeededRandom(seed: 31)
        for _ in 0..<20_000 { tail.learn(-log(random.nextOpenUnit())) }
        for e in [0.2, 0.7, 1.5, 3, 4] {
            #expect(abs(tail.logSurvival(e) + e) < 0.15, "evidence \(e)")
        }
        #expect(abs(tail.logSurvival(7) + 7) < 0.5)
        #expect(abs(tail.scale - 1) < 0.25)
    }

    @Test func overconfidentEvidenceIsCorrectedOnceTheStreamOutweighsThePrior() {
        // The first stage claims e′ = 2e for exact e: the truth is P(E′ ≥ x) = e^(−x/2). Above the
        // threshold t = ln 100 that is an exponential tail of rate e^(−t/2) = 0.1 and scale 2.
        func trained(_ windows: Int) -> EvidenceTail {
            var tail = EvidenceTail()
            var random = SeededRandom(seed: 32)
            for _ in 0..<windows { tail.learn(-2 * log(random.nextOpenUnit())) }
            return tail
        }
        let corrected = trained(20_000)
        // 20 000 windows against the prior's 1 000: ~2 000 exceedances, rate and scale within
        // 2–3 %, the prior's pull about 5 %; body shares within 3 %. Tolerances: 0.15 in the body,
        // 0.35 at x = 12 (3.7 scales past the threshold).
        for x in [1.0, 2, 4] {
            #expect(abs(corrected.logSurvival(x) + x / 2) < 0.15, "evidence \(x)")
        }
        #expect(abs(corrected.logSurvival(8) + 4) < 0.3)
        #expect(abs(corrected.logSurvival(12) + 6) < 0.35)
        #expect(abs(corrected.scale - 2) < 0.15)
        #expect(abs(corrected.exceedanceRate - 0.1) < 0.015)
        // The correction grows as the stream outweighs the prior: at 12 nats the truth is −6,
        // the first stage's claim −12.
        let errors = [0, 100, 1000, 20_000].map { abs(trained($0).logSurvival(12) + 6) }
        #expect(abs(errors[0] - 6) < 1e-9)
        #expect(zip(errors, errors.dropFirst()).allSatisfy { $0 > $1 }, "\(errors)")
    }

    // MARK: - RangeEvidence

    @Test func rangeEvidenceIsNoneInsideTheRangeAndTwoOverNPlusOneJustBeyond() {
        // n = 999 training values in [−3, 5], tail scales 0.5 (low) and 2 (high).
        let range = Self.rangeRow(low: -3, high: 5, lowScale: 0.5, highScale: 2, sampleSize: 999)
        for x: Float in [-3, -1, 0, 4.99, 5] {
            #expect(Self.rangeLogTail([x], range: range) == 0, "value \(x)")
        }
        // Just beyond either end: the new value is the largest (or smallest) of n + 1 with
        // probability 1/(n + 1), two-sided 2/(n + 1) = 1/500 (to Float rounding of the row).
        let justAbove = Self.rangeLogTail([5.000_01], range: range)
        let justBelow = Self.rangeLogTail([-3.000_01], range: range)
        #expect(abs(justAbove - log(2.0 / 1000)) < 1e-4)
        #expect(abs(justBelow - log(2.0 / 1000)) < 1e-4)
        // Further out: k tail scales beyond, the Lomax tail (1 + k/m)^−m with m = 10 extremes
        // (1 % of 999, at least 10). 5 + 2·3 is three upper scales out; −3 − 0.5·3 three lower.
        let m = 10.0
        let threeOut = log(2.0 / 1000) - m * log1p(3 / m)
        #expect(abs(Self.rangeLogTail([11], range: range) - threeOut) < 1e-4)
        #expect(abs(Self.rangeLogTail([-4.5], range: range) - threeOut) < 1e-4)
        let ladder = [5.1, 6, 8, 12, 20, 100, 1e4].map { Self.rangeLogTail([Float($0)], range: range) }
        #expect(zip(ladder, ladder.dropFirst()).allSatisfy { $0 > $1 }, "\(ladder)")
        #expect(ladder.allSatisfy { $0.isFinite })
        // An unobserved field offers no evidence.
        #expect(Self.rangeLogTail([100], observed: [0], range: range) == 0)
    }

    @Test func rangeEvidenceOfSeveralFieldsTakesTheFarthestTimesTheirNumber() {
        // Two fields, n = 199: just beyond one of them is 2 · 2/(n + 1) = 1/50.
        let one = Self.rangeRow(low: 0, high: 1, lowScale: 1, highScale: 1, sampleSize: 199)
        let range = Array(one.prefix(4)) + Array(one.prefix(4)) + [one[4]]
        #expect(RangeEvidence.floats(fields: 2) == range.count)
        #expect(Self.rangeLogTail([0.5, 0.5], range: range) == 0)
        #expect(abs(Self.rangeLogTail([0.5, 1.000_01], range: range) - log(1.0 / 50)) < 1e-4)
        // The farther field counts: 4 scales out with m = 10 extremes (max(1 % of 199, 10)).
        let far = log(1.0 / 50) - 10 * log1p(4.0 / 10)
        #expect(abs(Self.rangeLogTail([1.5, 5], range: range) - far) < 1e-4)
        #expect(abs(RangeEvidence.logClaim(fields: 2, range: range) - log(2 * 2.0 / 200)) < 1e-5)
    }

    @Test func rangeCombinationIsTheStrongerDoubledOnlyBeyondTheRange() {
        #expect(RangeEvidence.combined(model: -7, range: 0) == -7)
        #expect(abs(RangeEvidence.combined(model: -7, range: -10) - (-10 + log(2.0))) < 1e-12)
        #expect(abs(RangeEvidence.combined(model: -12, range: -10) - (-12 + log(2.0))) < 1e-12)
        #expect(RangeEvidence.combined(model: -0.1, range: -0.2) == 0)  // capped at probability 1
    }

    @Test func rangeCalibrationBelievesItsClaimThenRejectsAFlood() {
        var calibration = RangeEvidence.Calibration()
        #expect(calibration.logCorrection == 0)
        #expect(calibration.corrected(-8, logLevel: log(1e-3)) == -8)
        // 1 000 windows claimed at 1/500 each expect 2 beyond the range; 2 observed is on claim.
        let claim = log(1.0 / 500)
        for i in 0..<1000 { calibration.count(beyond: i % 500 == 0, logClaim: claim) }
        #expect(abs(calibration.expected - 2) < 1e-9 && calibration.observed == 2)
        #expect(abs(calibration.logCorrection) < 1e-9)  // (2 + 1)/(2 + 1)
        #expect(!calibration.rejects(atLogLevel: log(1e-3)))
        // 10 more beyond it against 0.02 more expected: Poisson(2.02) reaching 12 has probability
        // about 1.7·10⁻⁶, below 10⁻³: the claim is rejected and the range is no evidence.
        for _ in 0..<10 { calibration.count(beyond: true, logClaim: claim) }
        let poisson = (12..<60).reduce(0.0) { $0 + exp(-2.02 + Double($1) * log(2.02) - lgamma(Double($1) + 1)) }
        #expect(abs(RangeEvidence.Calibration.logPoissonTail(atLeast: 12, mean: 2.02) - log(poisson)) < 1e-9)
        #expect(calibration.rejects(atLogLevel: log(1e-3)))
        #expect(calibration.corrected(-20, logLevel: log(1e-3)) == 0)
    }

    // MARK: - ColdStartCheck

    @Test func coldStartCheckOnNoiseCrossesALevelAtMostAboutThatOften() {
        // 4 000 windows of 32 independent unit Gaussians. Each test is a t prediction interval, exact
        // for the level test; the spike needs the leave and the return tests both, so the share
        // below α should be well under α. Allowed: 1.5 α plus three binomial standard errors.
        let window = 32, windows = 4000
        var random = SeededRandom(seed: 41)
        var logTails: [Double] = []
        for _ in 0..<windows {
            let values = Self.gaussians(window, &random).map { Float($0) }
            logTails.append(Self.coldStart(values, window: window).logTail)
        }
        #expect(logTails.allSatisfy { $0 <= 0 })
        for alpha in [0.1, 0.05, 0.01] {
            let share = Double(logTails.filter { $0 < log(alpha) }.count) / Double(windows)
            let bound = 1.5 * alpha + 3 * (alpha * (1 - alpha) / Double(windows)).squareRoot()
            #expect(share <= bound, "α \(alpha): share \(share)")
        }
    }

    @Test func aSpikeThatReturnsIsTinyAndALastingShiftIsNot() {
        let window = 32
        var random = SeededRandom(seed: 42)
        let context = Self.gaussians(window - 2, &random).map { Float($0) }
        // A 10σ spike at the second-newest step, the newest back at the level.
        let spike = Self.coldStart(context + [10, 0.1], window: window)
        // Leave: level t ≈ 10 on 29 dof (p ~ 10⁻¹⁰), return: a change of ≈ −10 against changes of
        // sd √2, t ≈ −7 on 28 dof (p ~ 10⁻⁷). ln 10⁻⁵ leaves a wide margin.
        #expect(spike.logTail < log(1e-5), "\(spike.logTail)")
        #expect(spike.check.judged[0] == 10)
        let mean = context.reduce(0.0) { $0 + Double($1) } / Double(context.count)
        #expect(abs(spike.check.expected[0] - mean) < 1e-9)
        #expect(spike.check.statistics[0] > 5)
        // A downward spike is as tiny.
        #expect(Self.coldStart(context + [-10, 0.1], window: window).logTail < log(1e-5))
        // A lasting shift: the newest stays up. Moving on up is no return at all; a small step
        // back (0.2 against changes of sd √2) is a probability near 1.
        #expect(Self.coldStart(context + [10, 10.2], window: window).logTail == 0)
        #expect(Self.coldStart(context + [10, 9.8], window: window).logTail > log(0.5))
    }

    @Test func aConstantContextIsNotJudged() {
        let window = 16
        let values = [Float](repeating: 5, count: window - 2) + [50, 5]
        let result = Self.coldStart(values, window: window)
        #expect(result.logTail == 0)
        #expect(result.check.expected[0].isNaN)
        #expect(result.check.statistics[0] == 0)
        // A missing judged step is not judged either.
        var check = ColdStartCheck(window: 4, fields: 1)
        let logTail = check.logTail(values: [0, 1, 2, 3], observed: [1, 1, 0, 1])
        #expect(logTail == 0 && check.judged[0].isNaN)
    }

    // MARK: - OnsetGate

    @Test func onsetGatePublishesAnIncidentsOnsetAndEscalationsOnly() {
        var memory: [Float] = [.nan, 0]
        let level = 5.0, span = 3
        func publish(_ evidence: Double) -> Double {
            memory.withUnsafeMutableBufferPointer {
                OnsetGate.publish(evidence, memory: $0.baseAddress!, span: span, level: level)
            }
        }
        #expect(publish(2) == 2)  // no incident: as it is
        #expect(memory[0].isNaN)
        #expect(publish(8) == 8)  // onset: in full
        #expect(publish(8) == 0)  // continuation of equal evidence
        #expect(publish(6) == 0)  // weaker, still anomalous: continues
        #expect(abs(publish(11) - 3) < 1e-5)  // escalation: the excess over the peak 8
        // Quiet windows inside the span publish only what exceeds the peak (nothing).
        #expect(publish(1) == 0)
        #expect(publish(1) == 0)
        #expect(publish(1) == 0)
        // Three quiet windows = span: the incident is over, a new one publishes in full.
        #expect(publish(9) == 9)
        #expect(publish(9) == 0)
    }

    @Test func onsetGateNeverPublishesMoreThanTheEvidence() {
        var memory: [Float] = [.nan, 0]
        var random = SeededRandom(seed: 51)
        var published = 0.0, onsets = 0, anomalous = 0
        for _ in 0..<5000 {
            let evidence = -log(random.nextOpenUnit()) * 2
            let p = memory.withUnsafeMutableBufferPointer {
                OnsetGate.publish(evidence, memory: $0.baseAddress!, span: 4, level: 6)
            }
            #expect(p >= 0 && p <= evidence)
            published += p
            if evidence > 6 { anomalous += 1 }
            if p > 6 { onsets += 1 }
        }
        // Anomalous windows (e > 6, share e^−3 ≈ 5 %) fall within 4 of another about a fifth of
        // the time: those continue an incident, so onsets are fewer than anomalous windows.
        #expect(onsets > 0 && onsets < anomalous)
        #expect(published.isFinite)
    }

    // MARK: - Judge

    @Test func judgeFlagsATinyProbabilityAtTheFalseAlarmRateAndLearnsOnlyFromNormalWindows() {
        // One false alarm a day, judged every minute: q = 1/1440.
        let judge = Judge(falseAlarms: FalseAlarmRate(perDay: 1), window: 10, stride: 1, alerts: .init())
        #expect(judge.onsetSpan == 10)
        #expect(abs(judge.logThreshold(step: 60) - log(1.0 / 1440)) < 1e-12)
        var state = Judge.SlotState()
        var onset: [Float] = [.nan, 0]
        func judgeColdStart(_ logTail: Double) -> Verdict {
            onset.withUnsafeMutableBufferPointer {
                judge.coldStartVerdict(logTail: logTail, state: &state, onset: $0.baseAddress!, step: 60)
            }
        }
        // A fresh calibration believes the first stage: p = 10⁻⁹ < q.
        let anomalous = judgeColdStart(log(1e-9))
        #expect(anomalous.isAnomalous && anomalous.isOnset && anomalous.isUnusual)
        #expect(abs(anomalous.logTail - log(1e-9)) < 1e-9)
        #expect(anomalous.publishedLogTail == anomalous.logTail)
        #expect(abs(anomalous.score - 9) < 1e-9)
        #expect(state.coldStart == EvidenceTail())  // an anomaly teaches nothing
        // The same evidence again continues the incident: anomalous, but no new onset.
        let again = judgeColdStart(log(1e-9))
        #expect(again.isAnomalous && !again.isOnset)
        #expect(again.publishedLogTail == 0 && again.anomalyScore == 0)
        // p ≈ 1 is normal, and is learnt.
        let normal = judgeColdStart(-0.01)
        #expect(!normal.isAnomalous && !normal.isUnusual)
        #expect(abs(state.coldStart.count - (EvidenceTail.priorWindows + 1)) < 1e-9)
        // Just outside and just inside q (in that order: the normal one is learnt, and being an
        // exceedance of the calibration's threshold it widens the tail for what follows).
        #expect(judgeColdStart(log(1.0 / 1440) - 0.05).isAnomalous)
        #expect(!judgeColdStart(log(1.0 / 1440) + 0.05).isAnomalous)
        #expect(abs(state.coldStart.exceedances - (0.01 * EvidenceTail.priorWindows + 1)) < 1e-9)
        #expect(state.model == EvidenceTail())  // the cold start never touches the model's
    }

    @Test func judgeCombinesTheModelWithTheRangeOnlyBeyondTheRange() {
        let judge = Judge(falseAlarms: FalseAlarmRate(perDay: 1), window: 10, stride: 5, alerts: .init())
        #expect(judge.onsetSpan == 2)
        // Step 60, stride 5: q = 300/86 400.
        let logQ = log(300.0 / 86_400)
        #expect(abs(judge.logThreshold(step: 60) - logQ) < 1e-12)
        var state = Judge.SlotState()
        var onset: [Float] = [.nan, 0]
        let claim = log(2.0 / 1000)
        func model(_ first: Double, beyond: Double) -> Verdict {
            onset.withUnsafeMutableBufferPointer {
                judge.verdict(modelLogTail: first, beyondRange: beyond, rangeClaim: claim, state: &state,
                              onset: $0.baseAddress!, step: 60)
            }
        }
        // Inside the range: the model's own (fresh, believed) probability.
        let inside = model(-1, beyond: 0)
        #expect(abs(inside.logTail + 1) < 1e-9 && !inside.isAnomalous)
        #expect(abs(state.range.expected - 2.0 / 1000) < 1e-12 && state.range.observed == 0)
        // Far beyond the range while the model sees nothing: 2 · 10⁻⁸, anomalous.
        let beyond = model(-0.01, beyond: log(1e-8))
        #expect(abs(beyond.logTail - log(2e-8)) < 1e-6)
        #expect(beyond.isAnomalous && beyond.isOnset)
        #expect(state.range.observed == 1)
        // A tiny model probability inside the range is anomalous by itself.
        var fresh = Judge.SlotState()
        let strong = onset.withUnsafeMutableBufferPointer { memory -> Verdict in
            memory[0] = .nan
            return judge.verdict(modelLogTail: log(1e-7), beyondRange: 0, rangeClaim: claim, state: &fresh,
                                 onset: memory.baseAddress!, step: 60)
        }
        #expect(strong.isAnomalous && abs(strong.logTail - log(1e-7)) < 1e-9)
    }
}
