import Detector
import Testing

/// The recurrence check's marks (RecurrenceMarks) against hand-worked slots: a day is 96 slots of
/// 900 s, a mark counts one period (96 slots) later within ±4 slots, and the ring forgets a
/// mark once it is two periods old.
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

    @Test func aMarkCountsOnePeriodLaterWithinTheTolerance() {
        let marks = RecurrenceMarks(marking: 1_000)
        #expect(marks.newestSlot == 1_000)
        for slot in Int64(1_092)...1_100 { #expect(marks.recurs(at: slot), "slot \(slot)") }
        for slot: Int64 in [1_091, 1_101, 1_000, 1_004, 1_050, 1_192] { #expect(!marks.recurs(at: slot), "slot \(slot)") }
    }

    @Test func laterMarksKeepTheEarlierOnesOfTheLastTwoPeriods() {
        var marks = RecurrenceMarks(marking: 10)
        marks.mark(50)
        marks.mark(150)
        #expect(marks.newestSlot == 150)
        #expect(marks.recurs(at: 106) && marks.recurs(at: 146) && marks.recurs(at: 246))
        #expect(!marks.recurs(at: 126))
        // Slot 202 takes the ring position of slot 10 (202 − 192): the mark at 10 is gone.
        marks.mark(202)
        #expect(!marks.recurs(at: 106) && marks.recurs(at: 146) && marks.recurs(at: 298))
        // A late window (slot 120, before the newest) still marks; one older than the ring (slot
        // 5) does not, so the position it shares with slot 197 stays clear.
        marks.mark(120)
        marks.mark(5)
        #expect(marks.newestSlot == 202 && marks.recurs(at: 216) && !marks.recurs(at: 293))
    }

    @Test func aGapLongerThanTheRingClearsEveryMark() {
        var marks = RecurrenceMarks(marking: 0)
        for slot in stride(from: Int64(2), through: 190, by: 4) { marks.mark(slot) }
        marks.mark(10_000)
        #expect(marks.recurs(at: 10_096))
        for slot in Int64(9_800)...10_091 { #expect(!marks.recurs(at: slot), "slot \(slot)") }
    }

    @Test func negativeSlotsWrapAroundTheRing() {
        var marks = RecurrenceMarks(marking: -200)
        marks.mark(-150)
        #expect(marks.recurs(at: -104) && marks.recurs(at: -54) && !marks.recurs(at: 40))
    }

    @Test func marksGoStaleAPeriodAndTheToleranceAfterTheNewest() {
        let marks = RecurrenceMarks(marking: 500)
        #expect(!marks.isStale(at: 600) && marks.recurs(at: 600))
        #expect(marks.isStale(at: 601) && !marks.recurs(at: 601))
    }
}
