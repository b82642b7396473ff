/// The recurrence check: how many periods (days, by default) in a row a series has been anomalous
/// at the time of the period at which it is anomalous again.
///
/// A window of `W` steps cannot see a daily pattern longer than itself: a job that spikes a
/// series at 03:00 every night surprises the model every night, and alerting on it every night is
/// the false alarm an operator learns to ignore. So once a series has been anomalous at some time
/// of day, an anomalous window at that time a period later (within ±``toleranceSlots`` slots) is
/// a repeat, and its severity is divided by `scoring.recurrence_factor`
/// (``ScoringSettings/recurrenceFactor``) once for each period in a row, up to ``maxRepeats``:
/// the first occurrence alerts, and each repeat must be that many times stronger again to alert.
/// Judged normal, repeats join the training reservoir, so the next model learns them. Measured on
/// NAB (README, Quality), most false positives of the spiky AWS and load-balancer series recurred
/// a day apart.
///
/// Only separate anomalies repeat (``repeats(at:spacing:)``): an anomaly still going on a period
/// later (no break longer than the tolerance between its anomalous windows) is one long anomaly,
/// not divided, and a new anomaly at an hour that an anomaly a period long covered is no repeat
/// of it. (So a series whose windows come nearly a period apart or more never repeats.)
///
/// The marks are a ring of slots, ``slotsPerPeriod`` to a period (15 minutes of a day), one bit
/// each, covering what a window looks back on: 384 bits and the newest slot, 56 bytes, kept only
/// for a series that has been anomalous lately (``StreamingDetector``'s sparse `recurrences`,
/// swept of marks that can no longer count).
public struct RecurrenceMarks: Sendable {
    /// Slots a period is cut into: 96, of 15 minutes each for a day.
    public static let slotsPerPeriod = 96
    /// How far from exactly a period back a mark still counts, in slots: 4. Times are compared
    /// by slot, so for a day a mark up to an hour away always counts and one up to 75 minutes
    /// away may, depending on where in their slots the two fall.
    public static let toleranceSlots = 4
    /// The most periods in a row that divide a window's severity again: 3.
    public static let maxRepeats = 3
    /// Slots the ring holds: 6 words, the 384 a window looks back (a mark ``maxRepeats`` periods
    /// and the tolerance back, and the period before that mark).
    static let ringSlots = 384

    // The ring: slot j is bit (j mod 384) mod 64 of word (j mod 384) / 64.
    private var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
    /// The newest slot marked (``slot(at:period:)``); the ring holds the slots after
    /// `newestSlot − 384` up to it.
    public private(set) var newestSlot: Int64

    /// The marks of one anomalous window, in `slot`.
    public init(marking slot: Int64) {
        newestSlot = slot
        setBit(slot, to: true)
    }

    /// The slot of time `time` (seconds) for a period of `period` seconds: the number of
    /// `period / 96` lengths since the epoch, rounded down.
    @inline(__always)
    public static func slot(at time: Double, period: Double) -> Int64 {
        let slot = (time / (period / Double(slotsPerPeriod))).rounded(.down)
        // Clamped, and NaN read as 0, so that no timestamp traps; such times are far outside any
        // real clock (the detector's are finite).
        return slot.isNaN ? 0 : Int64(max(min(slot, 1e15), -1e15))
    }

    /// How many periods in a row, up to ``maxRepeats``, have a mark of a separate anomaly within
    /// ±``toleranceSlots`` of `slot` less that many periods (0 when the period just before has
    /// none). A mark is of a separate anomaly when both
    /// - its anomaly ended before `slot`: there is a break between the mark and `slot`, so the
    ///   window is not the same anomaly still going on a period later; and
    /// - its anomaly had not been going on for a period already, so a new anomaly at an hour that
    ///   a day-long one covered is no repeat of it.
    ///
    /// A break is a run of more than `spacing − 1 + toleranceSlots` unmarked slots: more than the
    /// tolerance between windows that come `spacing` slots apart (1 when they come every slot or
    /// more often; 4 for hourly windows of a day's period).
    public func repeats(at slot: Int64, spacing: Int = 1) -> Int {
        let longestBreak = Int64(min(max(spacing, 1), Self.slotsPerPeriod)) - 1 + Int64(Self.toleranceSlots)
        var repeats = 0
        while repeats < Self.maxRepeats
            && hasSeparateMark(near: slot - Int64(repeats + 1) * Int64(Self.slotsPerPeriod), before: slot,
                               longestBreak: longestBreak)
        {
            repeats += 1
        }
        return repeats
    }

    /// Marks `slot`, first clearing the slots the ring reuses between the newest mark and it.
    /// A slot older than the ring holds is ignored.
    public mutating func mark(_ slot: Int64) {
        if slot > newestSlot {
            let reused = min(slot - newestSlot, Int64(Self.ringSlots))
            for j in (slot - reused + 1)...slot { setBit(j, to: false) }
            newestSlot = slot
        } else if slot <= newestSlot - Int64(Self.ringSlots) {
            return
        }
        setBit(slot, to: true)
    }

    /// Whether no mark can count any more for a window at `slot` or later: the newest is more
    /// than a period and twice the tolerance back. A window repeats a mark directly only up to a
    /// period and the tolerance after it; or, through a later mark (at `slot` or after, so the
    /// window comes at least `slot` + a period − the tolerance), two periods back, within the
    /// tolerance again — at the earliest `slot` − a period − 2 × the tolerance.
    public func isStale(at slot: Int64) -> Bool {
        newestSlot < slot - Int64(Self.slotsPerPeriod + 2 * Self.toleranceSlots)
    }

    /// Whether a slot within ±``toleranceSlots`` of `centre` is marked by a separate anomaly (see
    /// ``repeats(at:spacing:)``) as seen from `slot`.
    private func hasSeparateMark(near centre: Int64, before slot: Int64, longestBreak: Int64) -> Bool {
        let period = Int64(Self.slotsPerPeriod), tolerance = Int64(Self.toleranceSlots)
        let low = max(centre - tolerance, newestSlot - Int64(Self.ringSlots) + 1)
        let high = min(centre + tolerance, newestSlot)
        guard low <= high else { return false }
        for j in low...high where isSet(j) {
            let endedBefore = !isMarkedThroughout(from: j + 1, to: slot - 1, longestBreak: longestBreak)
            let wasLong = isMarkedThroughout(from: j - period + tolerance + 1, to: j - 1, longestBreak: longestBreak)
            if endedBefore && !wasLong { return true }
        }
        return false
    }

    /// Whether `low...high` has no run of more than `longestBreak` unmarked slots (slots after
    /// the newest mark are unmarked); true for an empty range, false for one reaching back before
    /// the ring.
    private func isMarkedThroughout(from low: Int64, to high: Int64, longestBreak: Int64) -> Bool {
        guard low <= high else { return true }
        guard low > newestSlot - Int64(Self.ringSlots) else { return false }
        var unmarked: Int64 = 0
        for j in low...high {
            unmarked = j <= newestSlot && isSet(j) ? 0 : unmarked + 1
            if unmarked > longestBreak { return false }
        }
        return true
    }

    // MARK: The ring's bits

    @inline(__always)
    private static func position(_ slot: Int64) -> (word: Int, bit: UInt64) {
        let p = Int(((slot % Int64(ringSlots)) + Int64(ringSlots)) % Int64(ringSlots))
        return (p >> 6, 1 << UInt64(p & 63))
    }

    private func isSet(_ slot: Int64) -> Bool {
        let (w, bit) = Self.position(slot)
        return withUnsafeBytes(of: words) { $0.load(fromByteOffset: w * 8, as: UInt64.self) } & bit != 0
    }

    private mutating func setBit(_ slot: Int64, to on: Bool) {
        let (w, bit) = Self.position(slot)
        withUnsafeMutableBytes(of: &words) { bytes in
            let word = bytes.load(fromByteOffset: w * 8, as: UInt64.self)
            bytes.storeBytes(of: on ? word | bit : word & ~bit, toByteOffset: w * 8, as: UInt64.self)
        }
    }
}
