import Testing
@testable import Detector

/// Copies a window out and returns (values, missing flags) in row-major order.
private func snapshot(_ window: SeriesWindow) -> (values: [Float], missing: [Bool]) {
    let total = window.width * window.fieldCount
    var values = [Float](repeating: -1, count: total)
    var words = [UInt64](repeating: .max, count: (total + 63) / 64)
    values.withUnsafeMutableBufferPointer { v in
        words.withUnsafeMutableBufferPointer { w in _ = window.copyWindow(into: v, missing: w) }
    }
    let missing = (0..<total).map { words[$0 >> 6] & (1 << UInt64($0 & 63)) != 0 }
    return (values, missing)
}

@Test func ringKeepsTheLastWidthStepsInOrder() {
    var window = SeriesWindow(width: 3, fieldCount: 2, step: 10)
    for k in 0..<5 {
        let outcome = window.insert(timestamp: 1000 + Double(k) * 10, fields: [Double(k), Double(k) * 100])
        #expect(outcome == .appended(missingSteps: 0))
    }
    #expect(window.isFull)
    #expect(window.startTime == 1020)
    #expect(window.endTime == 1040)
    let (values, missing) = snapshot(window)
    #expect(values == [2, 200, 3, 300, 4, 400])
    #expect(missing.allSatisfy { !$0 })
}

@Test func aWindowNotYetFullLeadsWithMissingRows() {
    var window = SeriesWindow(width: 4, fieldCount: 1, step: 1)
    window.insert(timestamp: 0, fields: [5.0])
    window.insert(timestamp: 1, fields: [6.0])
    let (values, missing) = snapshot(window)
    #expect(values == [0, 0, 5, 6])
    #expect(missing == [true, true, false, false])
    #expect(window.count == 2 && !window.isFull)
}

@Test func gapsAreFilledWithMissingSteps() {
    var window = SeriesWindow(width: 5, fieldCount: 1, step: 60)
    window.insert(timestamp: 0, fields: [1.0])
    #expect(window.insert(timestamp: 180, fields: [4.0]) == .appended(missingSteps: 2))
    let (values, missing) = snapshot(window)
    #expect(values == [0, 1, 0, 0, 4])
    #expect(missing == [true, false, true, true, false])
    #expect(window.counts.missingSteps == 2)
}

@Test func aGapLongerThanTheWindowResetsIt() {
    var window = SeriesWindow(width: 3, fieldCount: 1, step: 1)
    for t in 0..<3 { window.insert(timestamp: Double(t), fields: [1.0]) }
    #expect(window.insert(timestamp: 10, fields: [9.0]) == .reset(missingSteps: 7))
    #expect(window.count == 1)
    let (values, missing) = snapshot(window)
    #expect(values == [0, 0, 9])
    #expect(missing == [true, true, false])
    #expect(window.counts.resets == 1)
}

@Test func missingAndNonFiniteFieldsAreMasked() {
    var window = SeriesWindow(width: 1, fieldCount: 3, step: 1)
    window.insert(timestamp: 0, fields: [1.0, .nan, .infinity])
    let (values, missing) = snapshot(window)
    #expect(values == [1, 0, 0])
    #expect(missing == [false, true, true])
}

@Test func duplicatesAndLatePointsAreCountedAndDropped() {
    var window = SeriesWindow(width: 4, fieldCount: 1, step: 10)
    window.insert(timestamp: 100, fields: [1.0])
    window.insert(timestamp: 110, fields: [2.0])
    #expect(window.insert(timestamp: 110, fields: [99.0]) == .duplicate)
    #expect(window.insert(timestamp: 100, fields: [99.0]) == .late)
    #expect(window.insert(timestamp: 95, fields: [99.0]) == .late)
    #expect(window.counts.duplicate == 1)
    #expect(window.counts.late == 2)
    #expect(snapshot(window).values == [0, 0, 1, 2])
}

@Test func aLaterPointInTheNewestSlotUpdatesPresentFieldsOnly() {
    var window = SeriesWindow(width: 2, fieldCount: 2, step: 10)
    window.insert(timestamp: 100, fields: [1.0, 2.0])
    #expect(window.insert(timestamp: 103, fields: [7.0, .nan]) == .updated)
    #expect(window.insert(timestamp: 101, fields: [8.0, 8.0]) == .late)
    #expect(snapshot(window).values == [0, 0, 7, 2])
    #expect(window.counts.updated == 1)
}

@Test func theStepIsInferredAsTheMedianDeltaAndBufferedPointsAreReplayed() {
    var window = SeriesWindow(width: 10, fieldCount: 1, inferenceSamples: 4)
    // Deltas 60, 60, 120 (a gap), 60: the median is 60.
    let times: [Double] = [0, 60, 120, 240, 300]
    for (k, t) in times.enumerated() {
        #expect(window.insert(timestamp: t, fields: [Double(k)]) == .buffered)
    }
    #expect(window.step == 60)
    #expect(window.count == 6)  // slots 0…5, slot 3 missing
    #expect(window.insert(timestamp: 360, fields: [5.0]) == .appended(missingSteps: 0))
    let (values, missing) = snapshot(window)
    #expect(Array(values.suffix(7)) == [0, 1, 2, 0, 3, 4, 5])
    #expect(Array(missing.suffix(7)) == [false, false, false, true, false, false, false])
    #expect(window.counts.missingSteps == 1)
}

@Test func jitteredTimestampsLandOnTheNearestSlot() {
    var window = SeriesWindow(width: 4, fieldCount: 1, step: 10)
    window.insert(timestamp: 0, fields: [1.0])
    #expect(window.insert(timestamp: 11.5, fields: [2.0]) == .appended(missingSteps: 0))
    #expect(window.insert(timestamp: 19, fields: [3.0]) == .appended(missingSteps: 0))
    #expect(window.endTime == 20)
}

@Test(arguments: [(120, 1), (120, 8), (60, 64), (1, 1)])
func memoryPerSeriesStaysWithinTheBound(width: Int, fields: Int) {
    var window = SeriesWindow(width: width, fieldCount: fields, step: 1)
    for t in 0..<(width * 2) { window.insert(timestamp: Double(t), fields: [Double](repeating: 1, count: fields)) }
    #expect(window.footprintBytes <= 4 * width * fields + 256)
    #expect(MemoryLayout<SeriesWindow>.size <= 200)
}

@Test func theObservedMaskCopyMatchesTheBitset() {
    var window = SeriesWindow(width: 2, fieldCount: 2, step: 1)
    window.insert(timestamp: 0, fields: [1.0, .nan])
    window.insert(timestamp: 1, fields: [3.0, 4.0])
    var values = [Float](repeating: 0, count: 4)
    var observed = [Float](repeating: 9, count: 4)
    let present = values.withUnsafeMutableBufferPointer { v in
        observed.withUnsafeMutableBufferPointer { window.copyWindow(into: v, observed: $0) }
    }
    #expect(present == 3)
    #expect(values == [1, 0, 3, 4])
    #expect(observed == [1, 0, 1, 1])
}

@Test func medianDeltaIgnoresNonPositiveDeltas() {
    #expect(StepInference.medianDelta(of: [0, 10, 10, 20, 50]) == 10)
    #expect(StepInference.medianDelta(of: [5]) == nil)
}

@Test func aWildTimestampResetsWithoutOverflowAndReanchorsTheGrid() {
    var window = SeriesWindow(width: 3, fieldCount: 1, step: 10)
    window.insert(timestamp: 0, fields: [1.0])
    #expect(window.insert(timestamp: 1e300, fields: [2.0]) == .reset(missingSteps: 1_000_000_000_000_000))
    #expect(window.endTime == 1e300)
    #expect(window.insert(timestamp: -1e300, fields: [3.0]) == .late)
    #expect(window.counts == {
        var counts = SeriesWindow.Counts()
        counts.appended = 2
        counts.resets = 1
        counts.late = 1
        return counts
    }())
}
