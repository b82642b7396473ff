import Detector
import Testing

/// The recurrence check's marks (RecurrenceMarks) against hand-worked slots: a day is 96 slots of
/// 900 s; a mark counts one period (96 slots) later within ±4 slots, periods in a row count up to
/// 3, one long anomaly is no repeat of itself, and the ring (384 slots) forgets what it can no
/// longer hold.
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

    @Test func oneLongAnomalyIsNoRepeatOfItself() {
        var every = RecurrenceMarks(marking: 0)
        for slot in Int64(1)...200 { every.mark(slot) }
        #expect(every.repeats(at: 201) == 0)  // still going on
        #expect(every.repeats(at: 205) == 0)  // a break of 4 (201–204) is no end
        // Ended 5 slots ago, but the marks a period back (101–109) were of an anomaly going on
        // for a period already: a new anomaly at that hour is no repeat of it.
        #expect(every.repeats(at: 206) == 0)
        // Begun at 20, it had not lasted a period at 101–106: once it has ended (a break of 5,
        // 140–144), a window at 201 repeats it; with a break of 4 it is still the same anomaly.
        var ended = RecurrenceMarks(marking: 20)
        for slot in Int64(21)...200 where !(140...144).contains(slot) { ended.mark(slot) }
        #expect(ended.repeats(at: 201) == 1)
        var going = RecurrenceMarks(marking: 20)
        for slot in Int64(21)...200 where !(140...143).contains(slot) { going.mark(slot) }
        #expect(going.repeats(at: 201) == 0)
        // Windows every 4 slots (hourly data in a day's 15-minute slots): 3 unmarked slots between
        // two windows are no break at all, so up to 7 in a row are still one anomaly.
        var hourly = RecurrenceMarks(marking: 40)
        for slot in stride(from: Int64(44), through: 200, by: 4) { hourly.mark(slot) }
        #expect(hourly.repeats(at: 208, spacing: 4) == 0)  // 201–207 unmarked
        #expect(hourly.repeats(at: 209, spacing: 4) == 1)  // 201–208: ended
        #expect(hourly.repeats(at: 209, spacing: 1_000_000) == 0)  // capped at a period: never ends
        var sixes = RecurrenceMarks(marking: 0)  // 5 unmarked between marks: a break at spacing 1
        for slot in stride(from: Int64(6), through: 198, by: 6) { sixes.mark(slot) }
        #expect(sixes.repeats(at: 200, spacing: 1) == 2 && sixes.repeats(at: 200, spacing: 2) == 0)
    }

    @Test func aMarkClearsTheSlotsTheRingReuses() {
        var marks = RecurrenceMarks(marking: 10)
        marks.mark(364)
        #expect(marks.repeats(at: 106) == 1)  // slot 10 is still held (the ring: −19…364)
        // Slot 399 moves the ring on 35 slots: slot 394 takes slot 10's position, unmarked.
        marks.mark(399)
        #expect(marks.repeats(at: 490) == 0)
        // A mark older than the ring (slot 10 now) is ignored, so slot 394 stays unmarked.
        marks.mark(10)
        #expect(marks.newestSlot == 399 && marks.repeats(at: 490) == 0 && marks.repeats(at: 495) == 1)
    }

    @Test func slotsBeyondTheNewestMarkReadAsUnmarked() {
        // Slot 385 shares slot 1's ring position: a window at 481 must not see it marked.
        var marks = RecurrenceMarks(marking: 1)
        for slot in Int64(2)...10 { marks.mark(slot) }
        marks.mark(364)
        #expect(marks.repeats(at: 481) == 0)
        // Slots −283…−280, still in the ring, share positions with 101…104: after marks on every
        // slot 0…100, a window at 106 sees 101–105 as a break (the anomaly ended), not as marked.
        var aliased = RecurrenceMarks(marking: -283)
        for slot in Int64(-282)...(-280) { aliased.mark(slot) }
        for slot in Int64(0)...100 { aliased.mark(slot) }
        #expect(aliased.repeats(at: 106) == 1)
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

    @Test func marksGoStaleAPeriodAndTwiceTheToleranceAfterTheNewest() {
        var marks = RecurrenceMarks(marking: 500)
        #expect(marks.repeats(at: 600) == 1 && marks.repeats(at: 601) == 0)
        // Not stale yet at 604: a mark at 604 or later still lets a window 96 slots after it
        // reach back to 500 two periods before it (604 + 92 − 192 = 504).
        #expect(!marks.isStale(at: 604) && marks.isStale(at: 605))
        marks.mark(604)
        #expect(marks.repeats(at: 696) == 2)
    }
}
