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
/// A series anomalous throughout the last period (since the slot a period back, bar the tolerance,
/// with no break longer than the tolerance between its anomalous windows) is not repeating but
/// still in one long anomaly: its windows are not divided. So the check has nothing to say of a
/// series whose windows come nearly a period apart or more (then every day is a break).
///
/// The marks are a ring of slots, ``slotsPerPeriod`` to a period (15 minutes of a day), one bit
/// each, covering the ``maxRepeats`` periods and the tolerance a window looks back: 320 bits and
/// the newest slot, 48 bytes, kept only for a series that has been anomalous lately
/// (``StreamingDetector``'s sparse `recurrences`, swept of marks that can no longer count).
public struct RecurrenceMarks: Sendable {
    /// Slots a period is cut into: 96, of 15 minutes each for a day.
    public static let slotsPerPeriod = 96
    /// How far from exactly a period back a mark still counts, in slots: 4. Times are compared
    /// by slot, so for a day a mark up to an hour away always counts and one up to 75 minutes
    /// away may, depending on where in their slots the two fall.
    public static let toleranceSlots = 4
    /// The most periods in a row that divide a window's severity again: 3.
    public static let maxRepeats = 3
    /// Slots the ring holds: 5 words, at least the 292 (``maxRepeats`` periods and the tolerance)
    /// a window looks back.
    static let ringSlots = 320

    // The ring: slot j is bit (j mod 320) mod 64 of word (j mod 320) / 64.
    private var words: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
    /// The newest slot marked (``slot(at:period:)``); the ring holds the slots after
    /// `newestSlot − 320` up to it.
    public private(set) var newestSlot: Int64

    /// The marks of one anomalous window, in `slot`.
    public init(marking slot: Int64) {
        newestSlot = slot
        set(slot)
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

    /// How many periods in a row, up to ``maxRepeats``, have a mark within ±``toleranceSlots``
    /// of `slot` less that many periods. 0 when the period just before has none, or when the
    /// series has been anomalous throughout since then: from a period back (bar the tolerance)
    /// up to `slot`, no more than `spacing − 1 + toleranceSlots` slots in a row unmarked — a
    /// break of up to the tolerance between windows that come `spacing` slots apart (1 when they
    /// come every slot or more often; 4 for hourly windows of a day's period).
    public func repeats(at slot: Int64, spacing: Int = 1) -> Int {
        let period = Int64(Self.slotsPerPeriod), tolerance = Int64(Self.toleranceSlots)
        let longestBreak = Int64(min(max(spacing, 1), Self.slotsPerPeriod)) - 1 + tolerance
        guard isMarked(near: slot - period),
              !isMarkedThroughout(from: slot - period + tolerance + 1, to: slot - 1, longestBreak: longestBreak)
        else { return 0 }
        var repeats = 1
        while repeats < Self.maxRepeats && isMarked(near: slot - Int64(repeats + 1) * period) { repeats += 1 }
        return repeats
    }

    /// Marks `slot`, first clearing the slots the ring reuses between the newest mark and it.
    /// A slot older than the ring holds is ignored.
    public mutating func mark(_ slot: Int64) {
        if slot > newestSlot {
            let reused = min(slot - newestSlot, Int64(Self.ringSlots))
            for j in (slot - reused + 1)...slot { clear(j) }
            newestSlot = slot
        } else if slot <= newestSlot - Int64(Self.ringSlots) {
            return
        }
        set(slot)
    }

    /// Whether no mark can count any more for a window at `slot` or later: the newest is more
    /// than a period and twice the tolerance back. A window repeats a mark directly only up to a
    /// period and the tolerance after it; or, through a later mark (at `slot` or after, so the
    /// window comes at least `slot` + a period − the tolerance), two periods back, within the
    /// tolerance again — at the earliest `slot` − a period − 2 × the tolerance.
    public func isStale(at slot: Int64) -> Bool {
        newestSlot < slot - Int64(Self.slotsPerPeriod + 2 * Self.toleranceSlots)
    }

    /// Whether a slot within ±``toleranceSlots`` of `centre` is marked.
    private func isMarked(near centre: Int64) -> Bool {
        let tolerance = Int64(Self.toleranceSlots)
        let low = max(centre - tolerance, newestSlot - Int64(Self.ringSlots) + 1)
        let high = min(centre + tolerance, newestSlot)
        guard low <= high else { return false }
        for j in low...high where isSet(j) { return true }
        return false
    }

    /// Whether `low...high` has no run of more than `longestBreak` unmarked slots (slots after
    /// the newest mark are unmarked); false for an empty range or one reaching back before the
    /// ring.
    private func isMarkedThroughout(from low: Int64, to high: Int64, longestBreak: Int64) -> Bool {
        guard low <= high, low > newestSlot - Int64(Self.ringSlots) else { return false }
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

    private mutating func set(_ slot: Int64) {
        let (w, bit) = Self.position(slot)
        withUnsafeMutableBytes(of: &words) { bytes in
            bytes.storeBytes(of: bytes.load(fromByteOffset: w * 8, as: UInt64.self) | bit, toByteOffset: w * 8, as: UInt64.self)
        }
    }

    private mutating func clear(_ slot: Int64) {
        let (w, bit) = Self.position(slot)
        withUnsafeMutableBytes(of: &words) { bytes in
            bytes.storeBytes(of: bytes.load(fromByteOffset: w * 8, as: UInt64.self) & ~bit, toByteOffset: w * 8, as: UInt64.self)
        }
    }
}
