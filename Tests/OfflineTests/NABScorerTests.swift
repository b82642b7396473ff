import Foundation
import Testing
@testable import Offline

/// A 100-row file (one row per second) with one labelled window over rows 40…49; the first 15
/// rows are probationary.
private func file(detectingRows rows: [Int]) -> NABDataFile {
    var scores = [Double](repeating: 0, count: 100)
    for row in rows { scores[row] = 1 }
    return NABDataFile(
        name: "synthetic.csv", timestamps: (0..<100).map(Double.init), anomalyScores: scores,
        windows: [LabelledWindow(start: 40, end: 49)])
}

private func sigma(_ x: Double) -> Double { 2 / (1 + exp(5 * x)) - 1 }

@Test func scaledSigmoidMatchesNAB() {
    #expect(abs(NABScorer.scaledSigmoid(-1) - 0.98661) < 1e-5)
    #expect(abs(NABScorer.scaledSigmoid(-0.5) - 0.84828) < 1e-5)
    #expect(NABScorer.scaledSigmoid(0) == 0)
    #expect(abs(NABScorer.scaledSigmoid(1) + 0.98661) < 1e-5)
    #expect(NABScorer.scaledSigmoid(3.01) == -1)
}

@Test func probationIsFifteenPercentCappedAt750Rows() {
    let scorer = NABScorer(profile: .standard)
    #expect(scorer.probationaryLength(rowCount: 100) == 15)
    #expect(scorer.probationaryLength(rowCount: 4032) == 604)
    #expect(scorer.probationaryLength(rowCount: 22_000) == 750)
}

@Test(arguments: NABProfile.all)
func perfectScoresOneHundredAndNullZero(profile: NABProfile) {
    let scorer = NABScorer(profile: profile)
    let perfect = scorer.evaluate([file(detectingRows: [40])])
    #expect(abs(perfect.best.score - profile.truePositiveWeight) < 1e-12)
    #expect(abs(perfect.normalizedScore - 100) < 1e-9)
    let null = scorer.evaluate([file(detectingRows: [])])
    #expect(null.best.score == -profile.falseNegativeWeight)
    #expect(null.normalizedScore == 0)
}

@Test func anEarlyDetectionGetsTheScaledSigmoidOfItsPosition() {
    let scorer = NABScorer(profile: .standard)
    // Row 42 of a 10-row window ending at 49: x = −(49 − 42 + 1) / 10 = −0.8.
    let result = scorer.score([file(detectingRows: [42])], threshold: 0.5)
    let expected = sigma(-0.8) / sigma(-1)
    #expect(abs(result.score - expected) < 1e-12)
    #expect(abs(expected - 0.977107) < 1e-6)
    #expect(abs(scorer.normalize(result.score, files: [file(detectingRows: [42])]) - 100 * (expected + 1) / 2) < 1e-9)
    // A detection on the window's last row is worth σ(−0.1) / σ(−1), not 0.
    let late = scorer.score([file(detectingRows: [49])], threshold: 0.5)
    #expect(abs(late.score - sigma(-0.1) / sigma(-1)) < 1e-12)
}

@Test func onlyTheFirstDetectionInAWindowCounts() {
    let scorer = NABScorer(profile: .standard)
    let one = scorer.score([file(detectingRows: [42])], threshold: 0.5)
    let three = scorer.score([file(detectingRows: [42, 45, 48])], threshold: 0.5)
    #expect(one.score == three.score)
    #expect(three.truePositives == 3 && three.falseNegatives == 7)
}

@Test func falsePositivesWeighByDistanceFromThePrecedingWindow() {
    let scorer = NABScorer(profile: .standard)
    let base = sigma(-1) / sigma(-1)  // the perfect detection at row 40
    // Before any window: the full −A_FP.
    let before = scorer.score([file(detectingRows: [40, 20])], threshold: 0.5)
    #expect(abs(before.score - (base - 0.11)) < 1e-12)
    #expect(before.falsePositives == 1)
    // Far after the window ((90 − 49) / 9 > 3): the full −A_FP.
    let far = scorer.score([file(detectingRows: [40, 90])], threshold: 0.5)
    #expect(abs(far.score - (base - 0.11)) < 1e-12)
    // Just after it: x = (52 − 49) / (10 − 1), weight A_FP · σ(x).
    let near = scorer.score([file(detectingRows: [40, 52])], threshold: 0.5)
    #expect(abs(near.score - (base + 0.11 * sigma(3.0 / 9.0))) < 1e-12)
    #expect(abs(sigma(3.0 / 9.0) - -0.682) < 1e-3)
    // Probationary rows are not scored at all.
    let probation = scorer.score([file(detectingRows: [40, 5])], threshold: 0.5)
    #expect(probation.score == base && probation.falsePositives == 0)
}

@Test func theSweepFindsTheBestThresholdAcrossFiles() {
    var first = file(detectingRows: [])
    first.anomalyScores[42] = 0.9  // a detection worth keeping
    first.anomalyScores[90] = 0.6  // a false positive
    first.anomalyScores[60] = 0.3
    var second = file(detectingRows: [])
    second.name = "other.csv"
    second.anomalyScores[45] = 0.7
    let scorer = NABScorer(profile: .standard)
    let scores = scorer.thresholdScores(of: [first, second])
    #expect(scores.map(\.threshold) == [1.1, 0.9, 0.7, 0.6, 0.3, 0])
    #expect(scores[0].score == -2)
    let best = scorer.optimize([first, second])
    #expect(best.threshold == 0.7)
    let expected = sigma(-0.8) / sigma(-1) + sigma(-0.5) / sigma(-1)
    #expect(abs(best.score - expected) < 1e-12)
    #expect(scorer.score([first, second], threshold: 0.65) == best)
}

@Test func eventAndPointwiseMetrics() {
    let timestamps = (0..<20).map(Double.init)
    var detections = [Bool](repeating: false, count: 20)
    for row in [3, 4, 5, 12, 18] { detections[row] = true }
    let windows = [
        LabelledWindow(start: 2, end: 6), LabelledWindow(start: 9, end: 10), LabelledWindow(start: 17, end: 19),
    ]
    let events = EventMetrics(timestamps: timestamps, detections: detections, windows: windows)
    #expect(events.windows == 3 && events.detectedWindows == 2)
    #expect(events.events == 3 && events.correctEvents == 2)
    #expect(abs(events.precision - 2.0 / 3) < 1e-12 && abs(events.recall - 2.0 / 3) < 1e-12)

    let points = PointwiseMetrics(
        predicted: [true, true, false, false, true], actual: [true, false, true, false, true])
    #expect(points.truePositives == 2 && points.falsePositives == 1 && points.falseNegatives == 1)
    #expect(abs(points.precision - 2.0 / 3) < 1e-12)
    #expect(abs(points.f1 - 2.0 / 3) < 1e-12)
    #expect(PointwiseMetrics().f1 == 0)
}

@Test func aResultsTableBecomesADataFile() throws {
    let table = try CSVReader().parse("""
        timestamp,value,anomaly_score,alert
        2014-04-01 00:00:00,1,0.25,0
        2014-04-01 00:05:00,2,0.75,1
        """)
    let file = try NABDataFile(name: "x.csv", results: table, windows: [])
    #expect(file.anomalyScores == [0.25, 0.75])
    let withoutScores = table.dropping("anomaly_score")
    #expect(throws: CSVError.self) { try NABDataFile(name: "y.csv", results: withoutScores, windows: []) }
}

extension CSVTable {
    /// The table without one of its field columns.
    fileprivate func dropping(_ name: String) -> CSVTable {
        let kept = fieldNames.indices.filter { fieldNames[$0] != name }
        let values = (0..<rowCount).flatMap { row in kept.map { self.values[row * fieldNames.count + $0] } }
        return CSVTable(
            timeColumn: timeColumn, fieldNames: kept.map { fieldNames[$0] }, timestamps: timestamps, values: values)
    }
}

@Test func labelsParseNABWindowsAndRejectMalformedOnes() throws {
    let labels = try NABLabels(json: Data("""
        {"a/x.csv": [["2014-04-10 07:15:00.000000", "2014-04-11 16:45:00.000000"]], "a/y.csv": []}
        """.utf8))
    #expect(labels.windows["a/x.csv"] == [LabelledWindow(start: 1_397_114_100, end: 1_397_234_700)])
    #expect(labels.windows["a/y.csv"] == [])
    #expect(throws: NABLabels.FormatError.self) { try NABLabels(json: Data(#"{"a": [["x"]]}"#.utf8)) }
}
