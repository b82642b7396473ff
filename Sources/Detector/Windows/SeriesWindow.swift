/// The last `width` steps of one series on a regular time grid, `fieldCount` values per step.
///
/// Storage is one contiguous ring of `Float` (row = step, column = field). A missing value — a
/// field the record did not carry, a non-finite number, or a step no record arrived for — is held
/// in-band as NaN, so the missing mask costs no memory of its own; it is produced as a bitset by
/// ``copyWindow(into:missing:)``. The grid logic is ``WindowGrid``'s, which the detector runs over
/// rows of a shared ``WindowSlab`` instead of one array per series. Memory per series is therefore
/// `4 × width × fieldCount` bytes of values plus a header of at most 256 bytes (``footprintBytes``);
/// while the step is still being inferred a few extra timestamps (8 bytes each, at most
/// ``StepInference/maximumSamples``) are held and released once the grid is fixed.
///
/// ## Time grid
/// The step is either configured or inferred as the median of the first positive timestamp
/// deltas (``StepInference``); points that arrive before it is known are buffered and replayed
/// onto the grid. Slot `k` covers `origin + k × step` with half a step either side; a point
/// belongs to the nearest slot.
///
/// ## Policy for irregular input (returned per point as an ``Outcome``, and counted in ``counts``)
/// - A point in a later slot appends it; skipped slots are appended as missing steps.
///   A gap of `width` or more empty steps resets the window (nothing in it would survive) and
///   re-anchors the grid on the new point.
/// - A point in the newest slot with a later timestamp updates it: its present fields overwrite,
///   its missing fields leave the stored values alone.
/// - A point with exactly the newest point's timestamp is a `duplicate` and is dropped.
/// - A point in an older slot, or with an earlier timestamp within the newest slot, is `late`
///   and dropped: a window already scored is never rewritten.
public struct SeriesWindow: Sendable {
    /// What happened to one inserted point.
    public enum Outcome: Equatable, Sendable {
        /// The point opened a new newest step after `missingSteps` empty steps.
        case appended(missingSteps: Int)
        /// The point opened a new step after `missingSteps ≥ width` empty steps: the window was
        /// cleared and the grid re-anchored on the point.
        case reset(missingSteps: Int)
        /// The point fell into the newest step and updated it.
        case updated
        /// The point repeated the newest timestamp and was dropped.
        case duplicate
        /// The point was older than the newest step and was dropped.
        case late
        /// The step is not known yet; the point is buffered until it is.
        case buffered
    }

    /// Running totals of the outcomes, for the caller's rejection counters.
    public struct Counts: Equatable, Sendable {
        /// Points that opened a new step (including after a reset).
        public var appended = 0
        /// Points that updated the newest step.
        public var updated = 0
        /// Points dropped as exact repeats of the newest timestamp.
        public var duplicate = 0
        /// Points dropped for being older than the newest step.
        public var late = 0
        /// Empty steps filled in for gaps (a reset fills none).
        public var missingSteps = 0
        /// Windows cleared because of a gap longer than the window.
        public var resets = 0
        /// Creates zero counts.
        public init() {}
    }

    /// How many steps the window holds.
    public var width: Int { grid.width }
    /// How many values each step holds.
    public var fieldCount: Int { grid.fieldCount }
    /// The step length in seconds, or nil while it is still being inferred.
    public var step: Double? { grid.step }
    /// Totals of the outcomes of every inserted point.
    public private(set) var counts = Counts()

    private var grid: WindowGrid
    private var values: ContiguousArray<Float>  // [width × fieldCount], a ring of rows

    /// Creates an empty window.
    /// - Parameters:
    ///   - width: steps held, at least 1.
    ///   - fieldCount: values per step, at least 1.
    ///   - step: the step in seconds, or nil to infer it from the first points (which needs a
    ///     `width` of at least 2, to buffer them).
    ///   - inferenceSamples: how many positive deltas the inference waits for (clamped to
    ///     `1...StepInference.maximumSamples`).
    public init(width: Int, fieldCount: Int, step: Double? = nil, inferenceSamples: Int = 8) {
        grid = WindowGrid(width: width, fieldCount: fieldCount, step: step, inferenceSamples: inferenceSamples)
        values = ContiguousArray(repeating: .nan, count: width * fieldCount)
    }

    /// The number of steps currently held (present or missing), at most ``width``.
    public var count: Int { grid.count }

    /// Whether the window holds ``width`` steps.
    public var isFull: Bool { grid.isFull }

    /// The grid time of the newest step, or nil before the first step is placed.
    public var endTime: Double? { grid.endTime }

    /// The grid time of the oldest step held, or nil before the first step is placed.
    public var startTime: Double? { grid.startTime }

    /// Bytes of memory this window owns: the struct, the value storage (with its array header)
    /// and any inference buffer. At most `4 × width × fieldCount + 256` once the step is known.
    public var footprintBytes: Int {
        let arrayHeader = 32  // ContiguousArray's object header: isa, refcount, count, capacity
        return MemoryLayout<SeriesWindow>.stride + arrayHeader
            + values.capacity * MemoryLayout<Float>.stride + grid.heapBytes
    }

    /// Inserts one point.
    /// - Parameters:
    ///   - timestamp: seconds since the epoch.
    ///   - fields: `fieldCount` values; NaN or ±∞ mark a missing value.
    /// - Returns: what happened to the point (also added to ``counts``).
    @discardableResult
    public mutating func insert<Fields: Collection>(timestamp: Double, fields: Fields) -> Outcome
    where Fields.Element == Double {
        values.withUnsafeMutableBufferPointer { ring in
            grid.insert(timestamp: timestamp, fields: fields, ring: ring.baseAddress!, counts: &counts)
        }
    }

    /// Copies the window out, oldest step first, as row-major `[width × fieldCount]` values and a
    /// missing bitset (bit `i` of word `i / 64` set ⇔ value `i` is missing; missing values are
    /// written as 0). Steps not yet seen (a window that is not full) lead the buffer as missing.
    /// - Parameters:
    ///   - destination: at least `width × fieldCount` floats.
    ///   - missing: at least `(width × fieldCount + 63) / 64` words.
    /// - Returns: the number of values present.
    @discardableResult
    public func copyWindow(
        into destination: UnsafeMutableBufferPointer<Float>, missing: UnsafeMutableBufferPointer<UInt64>
    ) -> Int {
        values.withUnsafeBufferPointer { grid.copyWindow(ring: $0.baseAddress!, into: destination, missing: missing) }
    }

    /// Copies the window out like ``copyWindow(into:missing:)`` but with the mask as floats:
    /// `observed[i]` is 1 where value `i` is present and 0 where it is missing.
    @discardableResult
    public func copyWindow(
        into destination: UnsafeMutableBufferPointer<Float>, observed: UnsafeMutableBufferPointer<Float>
    ) -> Int {
        values.withUnsafeBufferPointer { grid.copyWindow(ring: $0.baseAddress!, into: destination, observed: observed) }
    }

    /// Forgets every step (the step length, once known, is kept).
    public mutating func removeAll() {
        values.withUnsafeMutableBufferPointer { grid.removeAll(ring: $0.baseAddress!) }
    }
}

extension SeriesWindow.Counts {
    /// Adds one outcome and returns it.
    @discardableResult
    mutating func record(_ outcome: SeriesWindow.Outcome) -> SeriesWindow.Outcome {
        switch outcome {
        case .appended(let missing):
            appended += 1
            missingSteps += missing
        case .reset:
            appended += 1
            resets += 1
        case .updated: updated += 1
        case .duplicate: duplicate += 1
        case .late: late += 1
        case .buffered: break
        }
        return outcome
    }
}
