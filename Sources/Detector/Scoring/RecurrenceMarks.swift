/// The recurrence check: whether an anomalous window of a series comes at the same time of the
/// period (of day, by default) as an anomalous window of the same series one period earlier.
///
/// A window of `W` steps cannot see a daily pattern longer than itself: a job that spikes a
/// series at 03:00 every night surprises the model every night, and alerting on it every night is
/// the false alarm an operator learns to ignore. So once a series has been anomalous at some time
/// of day, an anomalous window within ±``toleranceSlots`` slots of that time one period later has
/// its severity divided by `scoring.recurrence_factor` (``ScoringSettings/recurrenceFactor``): the
/// first occurrence alerts, its daily repeats must be that many times stronger to alert again,
/// and, judged normal, they join the training reservoir, so the next model learns them. Measured
/// on NAB (README, Quality), most false positives of the spiky AWS and load-balancer series
/// recurred a day apart.
///
/// The marks are a ring of two periods in ``slotsPerPeriod`` slots each (15 minutes of a day):
/// 192 bits and the newest slot, 32 bytes, kept only for a series with an anomalous window
/// within the last two periods (``StreamingDetector``'s sparse `recurrences`).
public struct RecurrenceMarks: Sendable, Equatable {
    /// Slots a period is cut into: 96, of 15 minutes each for a day.
    public static let slotsPerPeriod = 96
    /// How far from exactly one period back a mark still counts, in slots: 4, an hour of a day.
    public static let toleranceSlots = 4
    /// Slots the ring holds: two periods.
    static let ringSlots = 2 * slotsPerPeriod

    // The ring's 192 bits: slot j is bit j mod 64 of word (j mod 192) / 64.
    private var word0: UInt64 = 0, word1: UInt64 = 0, word2: UInt64 = 0
    /// The newest slot marked (``slot(at:period:)``); the ring holds the slots after
    /// `newestSlot − 192` up to it.
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

    /// Whether a slot within ±``toleranceSlots`` of `slot − slotsPerPeriod` is marked.
    public func recurs(at slot: Int64) -> Bool {
        let centre = slot - Int64(Self.slotsPerPeriod), tolerance = Int64(Self.toleranceSlots)
        let low = max(centre - tolerance, newestSlot - Int64(Self.ringSlots) + 1)
        let high = min(centre + tolerance, newestSlot)
        guard low <= high else { return false }
        for j in low...high where isSet(j) { return true }
        return false
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

    /// Whether no mark can count any more from `slot` (or later) on: the newest is more than a
    /// period and the tolerance back.
    public func isStale(at slot: Int64) -> Bool {
        newestSlot < slot - Int64(Self.slotsPerPeriod + Self.toleranceSlots)
    }

    // MARK: The ring's bits

    @inline(__always)
    private static func position(_ slot: Int64) -> (word: Int, bit: UInt64) {
        let p = Int(((slot % Int64(ringSlots)) + Int64(ringSlots)) % Int64(ringSlots))
        return (p >> 6, 1 << UInt64(p & 63))
    }

    private func isSet(_ slot: Int64) -> Bool {
        let (w, bit) = Self.position(slot)
        return (w == 0 ? word0 : w == 1 ? word1 : word2) & bit != 0
    }

    private mutating func set(_ slot: Int64) {
        let (w, bit) = Self.position(slot)
        switch w {
        case 0: word0 |= bit
        case 1: word1 |= bit
        default: word2 |= bit
        }
    }

    private mutating func clear(_ slot: Int64) {
        let (w, bit) = Self.position(slot)
        switch w {
        case 0: word0 &= ~bit
        case 1: word1 &= ~bit
        default: word2 &= ~bit
        }
    }
}
