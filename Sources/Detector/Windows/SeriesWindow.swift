/// The last `width` steps of one series on a regular time grid, `fieldCount` values per step.
///
/// Storage is one contiguous ring of `Float` (row = step, column = field). A missing value — a
/// field the record did not carry, a non-finite number, or a step no record arrived for — is held
/// in-band as NaN, so the missing mask costs no memory of its own; it is produced as a bitset by
/// ``copyWindow(into:missing:)``. Memory per series is therefore
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
    public let width: Int
    /// How many values each step holds.
    public let fieldCount: Int
    /// The step length in seconds, or nil while it is still being inferred.
    public private(set) var step: Double?
    /// Totals of the outcomes of every inserted point.
    public private(set) var counts = Counts()

    private var values: ContiguousArray<Float>  // [width × fieldCount], a ring of rows
    private var inference: StepInference?  // non-nil until the step is known
    private var origin = 0.0  // time of slot 0
    private var newestSlot = 0  // slot number of the newest row
    private var newestTimestamp = -Double.infinity  // timestamp of the newest accepted point
    private var head = 0  // row index that the next new slot will take
    private var filled = 0  // rows holding a step (present or missing), ≤ width

    /// Creates an empty window.
    /// - Parameters:
    ///   - width: steps held, at least 1.
    ///   - fieldCount: values per step, at least 1.
    ///   - step: the step in seconds, or nil to infer it from the first points (which needs a
    ///     `width` of at least 2, to buffer them).
    ///   - inferenceSamples: how many positive deltas the inference waits for (clamped to
    ///     `1...StepInference.maximumSamples`).
    public init(width: Int, fieldCount: Int, step: Double? = nil, inferenceSamples: Int = 8) {
        precondition(width >= 1 && fieldCount >= 1, "a window needs at least one step and one field")
        precondition(step.map { $0 > 0 && $0.isFinite } ?? true, "the step must be positive")
        self.width = width
        self.fieldCount = fieldCount
        self.step = step
        self.values = ContiguousArray(repeating: .nan, count: width * fieldCount)
        if step == nil {
            inference = StepInference(samples: inferenceSamples, bufferedRows: width)
        }
    }

    /// The number of steps currently held (present or missing), at most ``width``.
    public var count: Int { filled }

    /// Whether the window holds ``width`` steps.
    public var isFull: Bool { filled == width }

    /// The grid time of the newest step, or nil before the first step is placed.
    public var endTime: Double? {
        guard let step, filled > 0 else { return nil }
        return origin + Double(newestSlot) * step
    }

    /// The grid time of the oldest step held, or nil before the first step is placed.
    public var startTime: Double? {
        guard let step, filled > 0 else { return nil }
        return origin + Double(newestSlot - filled + 1) * step
    }

    /// Bytes of memory this window owns: the struct, the value storage (with its array header)
    /// and any inference buffer. At most `4 × width × fieldCount + 256` once the step is known.
    public var footprintBytes: Int {
        let arrayHeader = 32  // ContiguousArray's object header: isa, refcount, count, capacity
        return MemoryLayout<SeriesWindow>.stride + arrayHeader
            + values.capacity * MemoryLayout<Float>.stride + (inference?.footprintBytes ?? 0)
    }

    /// Inserts one point.
    /// - Parameters:
    ///   - timestamp: seconds since the epoch.
    ///   - fields: `fieldCount` values; NaN or ±∞ mark a missing value.
    /// - Returns: what happened to the point (also added to ``counts``).
    @discardableResult
    public mutating func insert<Fields: Collection>(timestamp: Double, fields: Fields) -> Outcome
    where Fields.Element == Double {
        precondition(fields.count == fieldCount, "expected \(fieldCount) fields, got \(fields.count)")
        guard timestamp.isFinite else { return record(.late) }
        if inference != nil { return buffer(timestamp: timestamp, fields: fields) }
        return place(timestamp: timestamp, fields: fields)
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
        let total = width * fieldCount
        precondition(destination.count >= total && missing.count >= (total + 63) / 64, "buffers too small")
        for word in 0..<(total + 63) / 64 { missing[word] = 0 }
        let unseenRows = width - filled
        var present = 0
        values.withUnsafeBufferPointer { storage in
            for row in 0..<width {
                let base = row * fieldCount
                // The oldest held row sits `filled` rows behind `head` in the ring.
                let source = row < unseenRows ? -1 : (head - filled + (row - unseenRows) + width) % width
                for field in 0..<fieldCount {
                    let value = source < 0 ? Float.nan : storage[source * fieldCount + field]
                    let index = base + field
                    if value.isNaN {
                        destination[index] = 0
                        missing[index >> 6] |= 1 << UInt64(index & 63)
                    } else {
                        destination[index] = value
                        present += 1
                    }
                }
            }
        }
        return present
    }

    /// Copies the window out like ``copyWindow(into:missing:)`` but with the mask as floats:
    /// `observed[i]` is 1 where value `i` is present and 0 where it is missing.
    @discardableResult
    public func copyWindow(
        into destination: UnsafeMutableBufferPointer<Float>, observed: UnsafeMutableBufferPointer<Float>
    ) -> Int {
        let total = width * fieldCount
        precondition(destination.count >= total && observed.count >= total, "buffers too small")
        let unseenRows = width - filled
        var present = 0
        values.withUnsafeBufferPointer { storage in
            for row in 0..<width {
                let source = row < unseenRows ? -1 : (head - filled + (row - unseenRows) + width) % width
                for field in 0..<fieldCount {
                    let value = source < 0 ? Float.nan : storage[source * fieldCount + field]
                    let index = row * fieldCount + field
                    destination[index] = value.isNaN ? 0 : value
                    observed[index] = value.isNaN ? 0 : 1
                    present += value.isNaN ? 0 : 1
                }
            }
        }
        return present
    }

    /// Forgets every step (the step length, once known, is kept).
    public mutating func removeAll() {
        for index in values.indices { values[index] = .nan }
        filled = 0
        head = 0
    }

    // MARK: - Placing points on the grid

    private mutating func place<Fields: Collection>(timestamp: Double, fields: Fields) -> Outcome
    where Fields.Element == Double {
        let step = self.step!
        if filled == 0 && newestTimestamp == -.infinity {
            origin = timestamp
            newestSlot = 0
            writeNewRow(fields)
            newestTimestamp = timestamp
            return record(.appended(missingSteps: 0))
        }
        // Compare in floating point first: a wild timestamp must not overflow `Int`.
        let position = ((timestamp - origin) / step).rounded()
        if position > Double(newestSlot) {
            let missing = position - Double(newestSlot) - 1
            if missing >= Double(width) {
                // Nothing held would survive: start afresh, re-anchoring the grid on this point.
                removeAll()
                origin = timestamp
                newestSlot = 0
                newestTimestamp = timestamp
                writeNewRow(fields)
                return record(.reset(missingSteps: Int(min(missing, 1e15))))
            }
            for _ in 0..<Int(missing) { writeNewRow(EmptyCollection<Double>()) }
            newestSlot += Int(missing) + 1
            newestTimestamp = timestamp
            writeNewRow(fields)
            return record(.appended(missingSteps: Int(missing)))
        }
        let slot = position < Double(newestSlot) ? newestSlot - 1 : newestSlot
        if slot == newestSlot && filled > 0 {
            if timestamp == newestTimestamp { return record(.duplicate) }
            if timestamp > newestTimestamp {
                updateNewestRow(fields)
                newestTimestamp = timestamp
                return record(.updated)
            }
        }
        return record(.late)
    }

    /// Writes `fields` (or a missing row when empty) into the ring at `head` and advances it.
    private mutating func writeNewRow<Fields: Collection>(_ fields: Fields) where Fields.Element == Double {
        let base = head * fieldCount
        if fields.isEmpty {
            for field in 0..<fieldCount { values[base + field] = .nan }
        } else {
            var field = base
            for value in fields {
                values[field] = value.isFinite ? Float(value) : .nan
                field += 1
            }
        }
        head = (head + 1) % width
        filled = min(filled + 1, width)
    }

    private mutating func updateNewestRow<Fields: Collection>(_ fields: Fields) where Fields.Element == Double {
        var index = ((head - 1 + width) % width) * fieldCount
        for value in fields {
            if value.isFinite { values[index] = Float(value) }
            index += 1
        }
    }

    // MARK: - Step inference

    private mutating func buffer<Fields: Collection>(timestamp: Double, fields: Fields) -> Outcome
    where Fields.Element == Double {
        guard let pending = inference else { return place(timestamp: timestamp, fields: fields) }
        // Buffered points are kept in arrival order in the ring's rows; a repeat of the last
        // buffered timestamp is a duplicate, an earlier one is late (the same policy as later on).
        if let last = pending.timestamps.last {
            if timestamp == last { return record(.duplicate) }
            if timestamp < last { return record(.late) }
        }
        var index = pending.timestamps.count * fieldCount
        for value in fields {
            values[index] = value.isFinite ? Float(value) : .nan
            index += 1
        }
        inference!.timestamps.append(timestamp)
        guard let inferred = inference!.inferredStep() else { return .buffered }
        replayBufferedPoints(inference!.timestamps, step: inferred)
        return .buffered
    }

    /// Fixes the step and re-inserts the buffered points onto the grid, in arrival order.
    private mutating func replayBufferedPoints(_ timestamps: [Double], step: Double) {
        let rows = Array(values[0..<(timestamps.count * fieldCount)])  // once per series
        inference = nil
        self.step = step
        for index in values.indices { values[index] = .nan }
        var row = [Double](repeating: .nan, count: fieldCount)
        for (number, timestamp) in timestamps.enumerated() {
            for field in 0..<fieldCount { row[field] = Double(rows[number * fieldCount + field]) }
            _ = place(timestamp: timestamp, fields: row)
        }
    }

    private mutating func record(_ outcome: Outcome) -> Outcome {
        switch outcome {
        case .appended(let missing):
            counts.appended += 1
            counts.missingSteps += missing
        case .reset:
            counts.appended += 1
            counts.resets += 1
        case .updated: counts.updated += 1
        case .duplicate: counts.duplicate += 1
        case .late: counts.late += 1
        case .buffered: break
        }
        return outcome
    }
}
