import Foundation
import Testing

@testable import Detector

/// A burst of anomalies must not teach the calibration to tolerate them (issue 16: SPOT's
/// threshold ran away from 17.5 to 9.6e6 under 2,000 series spiking every 8 steps).
///
/// Known issue, measured 2026-12-08: ``EvidenceTail`` learns every window the judge finds
/// normal, and a burst of anomalies of every size feeds it windows just under the threshold,
/// whose excesses raise the tail's scale σ, which raises the threshold, which admits larger
/// ones: with 1 in 8 windows an anomaly of evidence uniform in [5, 100], the evidence threshold
/// went from 16.5 to 587 within 1,000 windows (σ 1 → 42) and 8 of 25,000 anomalies were flagged.
/// Not fixed here: a remedy changes every verdict, and the quality protocol (NAB and SKAB over
/// five seeds, each category held out) must judge it (docs/RELIABILITY.md §9).
@Suite struct CalibrationBurstTests {
    @Test func aBurstOfAnomaliesOfEverySizeStillRaisesTheLargeOnes() {
        var rng = SeededRandom(seed: 16)
        var tail = EvidenceTail()
        let logThreshold = log(1e-4 / 1440)  // the default false-alarm rate at a one-minute step
        let exactThreshold = -logThreshold   // 16.5: where exact evidence is anomalous
        var large = 0, flagged = 0
        for _ in 0..<20_000 {
            let isAnomaly = rng.nextOpenUnit() < 0.125
            let evidence = isAnomaly ? 5 + 95 * rng.nextOpenUnit() : -log(rng.nextOpenUnit())
            let anomalous = tail.logSurvival(evidence) < logThreshold
            if !anomalous { tail.learn(evidence) }
            // An anomaly of twice the exact threshold's evidence (p below q², exact) must be raised.
            if isAnomaly && evidence > 2 * exactThreshold {
                large += 1
                if anomalous { flagged += 1 }
            }
        }
        withKnownIssue("EvidenceTail's scale runs away under a burst of anomalies (see the suite's note)") {
            #expect(Double(flagged) >= 0.5 * Double(large), "\(flagged) of \(large) large anomalies flagged")
        }
    }
}
