import Detector
import Testing

/// The recurrence check's marks (RecurrenceMarks) against hand-worked slots: a day is 96 slots of
/// 900 s; a mark counts one period (96 slots) later within ±4 slots, periods in a row count up to
/// 3, a series anomalous throughout the last period does not repeat, and the ring (320 slots)
/// forgets what it can no longer hold.
@Suite struct RecurrenceMarksTests {
    @Test func slotsCutAPeriodIntoNinetySixSpans() {
        #expect(RecurrenceMarks.slot(at: 0, period: 86_400) == 0)
        #expect(RecurrenceMarks.slot(at: 899.9, period: 86_400) == 0)
        #expect(RecurrenceMarks.slot(at: 900, period: 86_400) == 1)
        #expect(RecurrenceMarks.slot(at: 86_400, period: 86_400) == 96)
        #expect(RecurrenceMarks.slot(at: -1, period: 86_400) == -1)
        #expect(RecurrenceMarks.slot(at: 1_700_000_000, period: 86_400) == 1_888_888)
        #expect(RecurrenceMarks.slot(at: 3_600, period: 3_600 * 96) == 1)  // any period: period / 96
        #expect(RecurrenceMarks.slot(at: .infinity, period: 86_400) == 1_000_000_000_000_000)
        #expect(RecurrenceMarks.slot(at: .nan, period: 86_400) == 0)
    }

    @Test func aMarkRepeatsOnePeriodLaterWithinTheTolerance() {
        let marks = RecurrenceMarks(marking: 1_000)
        #expect(marks.newestSlot == 1_000)
        for slot in Int64(1_092)...1_100 { #expect(marks.repeats(at: slot) == 1, "slot \(slot)") }
        for slot: Int64 in [1_091, 1_101, 1_000, 1_004, 1_050, 1_192] { #expect(marks.repeats(at: slot) == 0, "slot \(slot)") }
    }

    @Test func periodsInARowCountUpToThree() {
        var marks = RecurrenceMarks(marking: 1_000)
        marks.mark(1_192)
        #expect(marks.repeats(at: 1_288) == 1)  // 1,192 a period back; nothing at 1,096
        marks.mark(1_096)  // late, but within the ring
        #expect(marks.repeats(at: 1_288) == 3)  // 1,192, 1,096 and 1,000
        marks.mark(1_288)
        #expect(marks.repeats(at: 1_384) == 3 && marks.repeats(at: 1_290) == 3)  // at most 3
        #expect(marks.repeats(at: 1_380) == 3 && marks.repeats(at: 1_379) == 0)
    }

    @Test func aSeriesAnomalousThroughoutTheLastPeriodDoesNotRepeat() {
        var every = RecurrenceMarks(marking: 0)
        for slot in Int64(1)...200 { every.mark(slot) }
        #expect(every.repeats(at: 201) == 0)
        var gap = RecurrenceMarks(marking: 0)
        for slot in Int64(1)...200 where slot != 150 { gap.mark(slot) }
        #expect(gap.repeats(at: 201) == 2)  // 105 and 9 are marked; 150 is not
        // Windows every 4 slots (hourly data in a day's 15-minute slots): 3 unmarked slots in a
        // row between two windows are still "throughout" at spacing 4, not at spacing 1.
        var hourly = RecurrenceMarks(marking: 0)
        for slot in stride(from: Int64(4), through: 200, by: 4) { hourly.mark(slot) }
        #expect(hourly.repeats(at: 202, spacing: 4) == 0)
        #expect(hourly.repeats(at: 202, spacing: 1) == 2)
        #expect(hourly.repeats(at: 205, spacing: 4) == 2)  // 201–204 unmarked: no longer throughout
    }

    @Test func aMarkClearsTheSlotsTheRingReuses() {
        var marks = RecurrenceMarks(marking: 10)
        marks.mark(300)
        #expect(marks.repeats(at: 106) == 1)  // slot 10 is still held (the ring: −19…300)
        // Slot 335 moves the ring on 35 slots: slot 330 takes slot 10's position, unmarked.
        marks.mark(335)
        #expect(marks.repeats(at: 426) == 0)
        // A mark older than the ring (slot 10 now) is ignored, so slot 330 stays unmarked.
        marks.mark(10)
        #expect(marks.newestSlot == 335 && marks.repeats(at: 426) == 0 && marks.repeats(at: 431) == 1)
    }

    @Test func aGapLongerThanTheRingClearsEveryMark() {
        var marks = RecurrenceMarks(marking: 0)
        for slot in stride(from: Int64(2), through: 318, by: 4) { marks.mark(slot) }
        marks.mark(10_000)
        #expect(marks.repeats(at: 10_096) == 1)
        for slot in Int64(9_800)...10_091 { #expect(marks.repeats(at: slot) == 0, "slot \(slot)") }
    }

    @Test func negativeSlotsWrapAroundTheRing() {
        var marks = RecurrenceMarks(marking: -100)
        marks.mark(-4)
        #expect(marks.repeats(at: 92) == 2 && marks.repeats(at: -4) == 1 && marks.repeats(at: 40) == 0)
    }

    @Test func marksGoStaleAPeriodAndTheToleranceAfterTheNewest() {
        let marks = RecurrenceMarks(marking: 500)
        #expect(!marks.isStale(at: 600) && marks.repeats(at: 600) == 1)
        #expect(marks.isStale(at: 601) && marks.repeats(at: 601) == 0)
    }
}
