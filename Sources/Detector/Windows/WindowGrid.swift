/// The time-grid state of one series' window, without its values: where slot 0 is, which row of
/// the ring is the newest, how many rows are held, and the step (or the timestamps buffered while
/// it is inferred). The values live outside, in a ring of `width × fieldCount` floats that every
/// method is handed — a ``SeriesWindow``'s own array, or a row of the detector's ``WindowSlab``
/// that holds every series of a group back to back. That keeps the per-series state a fixed
/// 64 bytes with no allocation of its own once the step is known.
///
/// The policy is ``SeriesWindow``'s (see there). A ring is fresh when every value is NaN.
struct WindowGrid: Sendable {
    private let widthStorage: Int32
    private let fieldCountStorage: Int32
    private var head: Int32 = 0  // row index that the next new slot will take
    private var filled: Int32 = 0  // rows holding a step (present or missing), ≤ width
    /// Points to buffer before the step is decided; 0 once it is known.
    private var inferenceCapacity: Int32 = 0
    private var stepStorage: Double  // 0 while inferring
    private var origin = 0.0  // time of slot 0
    private var newestSlot = 0  // slot number of the newest row
    private var newestTimestamp = -Double.infinity  // timestamp of the newest accepted point
    private var pending: [Double] = []  // timestamps buffered while inferring, strictly increasing

    /// A grid for `width` steps of `fieldCount` values; `step` nil infers it from the first
    /// points (``StepInference``), buffering them in the ring's rows.
    init(width: Int, fieldCount: Int, step: Double?, inferenceSamples: Int) {
        precondition(width >= 1 && fieldCount >= 1, "a window needs at least one step and one field")
        precondition(width <= Int(Int32.max) && fieldCount <= Int(Int32.max))
        precondition(step.map { $0 > 0 && $0.isFinite } ?? true, "the step must be positive")
        widthStorage = Int32(width)
        fieldCountStorage = Int32(fieldCount)
        stepStorage = step ?? 0
        if step == nil {
            inferenceCapacity = Int32(StepInference.bufferCapacity(samples: inferenceSamples, bufferedRows: width))
        }
    }

    var width: Int { Int(widthStorage) }
    var fieldCount: Int { Int(fieldCountStorage) }
    var step: Double? { stepStorage > 0 ? stepStorage : nil }
    var count: Int { Int(filled) }
    var isFull: Bool { filled == widthStorage }

    /// Heap bytes owned beyond the struct: the buffered timestamps while the step is inferred.
    var heapBytes: Int { pending.capacity > 0 ? 32 + pending.capacity * MemoryLayout<Double>.stride : 0 }

    var endTime: Double? {
        guard let step, filled > 0 else { return nil }
        return origin + Double(newestSlot) * step
    }

    var startTime: Double? {
        guard let step, filled > 0 else { return nil }
        return origin + Double(newestSlot - count + 1) * step
    }

    /// Fills a ring with NaN (every value missing).
    static func clear(_ ring: UnsafeMutablePointer<Float>, count: Int) {
        ring.update(repeating: .nan, count: count)
    }

    /// Inserts one point; `fields` holds `fieldCount` values (NaN or ±∞ missing). Its outcome,
    /// and those of buffered points replayed when the step becomes known, are added to `counts`.
    mutating func insert<Fields: Collection>(
        timestamp: Double, fields: Fields, ring: UnsafeMutablePointer<Float>, counts: inout SeriesWindow.Counts
    ) -> SeriesWindow.Outcome where Fields.Element == Double {
        precondition(fields.count == fieldCount, "expected \(fieldCount) fields, got \(fields.count)")
        guard timestamp.isFinite else { return counts.record(.late) }
        if inferenceCapacity > 0 { return buffer(timestamp: timestamp, fields: fields, ring: ring, counts: &counts) }
        return counts.record(place(timestamp: timestamp, fields: fields, ring: ring))
    }

    /// See ``SeriesWindow/copyWindow(into:missing:)``.
    func copyWindow(
        ring: UnsafePointer<Float>, into destination: UnsafeMutableBufferPointer<Float>,
        missing: UnsafeMutableBufferPointer<UInt64>
    ) -> Int {
        let total = width * fieldCount
        precondition(destination.count >= total && missing.count >= (total + 63) / 64, "buffers too small")
        for word in 0..<(total + 63) / 64 { missing[word] = 0 }
        var present = 0
        forEachValue(ring) { index, value in
            if value.isNaN {
                destination[index] = 0
                missing[index >> 6] |= 1 << UInt64(index & 63)
            } else {
                destination[index] = value
                present += 1
            }
        }
        return present
    }

    /// See ``SeriesWindow/copyWindow(into:observed:)``.
    ///
    /// The detector copies every window it scores this way, so instead of ``forEachValue(_:_:)``
    /// (a modulo per row) it copies the ring's two contiguous runs — the ring wraps at most once.
    func copyWindow(
        ring: UnsafePointer<Float>, into destination: UnsafeMutableBufferPointer<Float>,
        observed: UnsafeMutableBufferPointer<Float>
    ) -> Int {
        let total = width * fieldCount
        precondition(destination.count >= total && observed.count >= total, "buffers too small")
        let destination = destination.baseAddress!, observed = observed.baseAddress!
        let held = count * fieldCount, unseen = total - held
        for i in 0..<unseen {
            destination[i] = 0
            observed[i] = 0
        }
        // The oldest held row sits `count` rows behind `head` in the ring.
        let oldest = ((Int(head) - count + width) % width) * fieldCount
        let firstRun = min(held, total - oldest)
        func copyRun(_ source: UnsafePointer<Float>, _ length: Int, to offset: Int) -> Int {
            var present = 0
            for i in 0..<length {
                let value = source[i], isPresent = !value.isNaN
                destination[offset + i] = isPresent ? value : 0
                observed[offset + i] = isPresent ? 1 : 0
                present += isPresent ? 1 : 0
            }
            return present
        }
        return copyRun(ring + oldest, firstRun, to: unseen) + copyRun(ring, held - firstRun, to: unseen + firstRun)
    }

    /// Calls `body(index, value)` for every value of the window, oldest step first; steps not
    /// yet seen lead as NaN.
    @inline(__always)
    private func forEachValue(_ ring: UnsafePointer<Float>, _ body: (Int, Float) -> Void) {
        let width = self.width, fieldCount = self.fieldCount, filled = count, head = Int(self.head)
        let unseenRows = width - filled
        for row in 0..<width {
            // The oldest held row sits `filled` rows behind `head` in the ring.
            let source = row < unseenRows ? -1 : (head - filled + (row - unseenRows) + width) % width
            for field in 0..<fieldCount {
                body(row * fieldCount + field, source < 0 ? Float.nan : ring[source * fieldCount + field])
            }
        }
    }

    /// Forgets every step (the step length, once known, is kept).
    mutating func removeAll(ring: UnsafeMutablePointer<Float>) {
        Self.clear(ring, count: width * fieldCount)
        filled = 0
        head = 0
    }

    // MARK: - Placing points on the grid

    private mutating func place<Fields: Collection>(
        timestamp: Double, fields: Fields, ring: UnsafeMutablePointer<Float>
    ) -> SeriesWindow.Outcome where Fields.Element == Double {
        let step = stepStorage
        if filled == 0 && newestTimestamp == -.infinity {
            origin = timestamp
            newestSlot = 0
            writeNewRow(fields, ring: ring)
            newestTimestamp = timestamp
            return .appended(missingSteps: 0)
        }
        // Compare in floating point first: a wild timestamp must not overflow `Int`.
        let position = ((timestamp - origin) / step).rounded()
        if position > Double(newestSlot) {
            let missing = position - Double(newestSlot) - 1
            if missing >= Double(width) {
                // Nothing held would survive: start afresh, re-anchoring the grid on this point.
                removeAll(ring: ring)
                origin = timestamp
                newestSlot = 0
                newestTimestamp = timestamp
                writeNewRow(fields, ring: ring)
                return .reset(missingSteps: Int(min(missing, 1e15)))
            }
            for _ in 0..<Int(missing) { writeNewRow(EmptyCollection<Double>(), ring: ring) }
            newestSlot += Int(missing) + 1
            newestTimestamp = timestamp
            writeNewRow(fields, ring: ring)
            return .appended(missingSteps: Int(missing))
        }
        let slot = position < Double(newestSlot) ? newestSlot - 1 : newestSlot
        if slot == newestSlot && filled > 0 {
            if timestamp == newestTimestamp { return .duplicate }
            if timestamp > newestTimestamp {
                updateNewestRow(fields, ring: ring)
                newestTimestamp = timestamp
                return .updated
            }
        }
        return .late
    }

    /// Writes `fields` (or a missing row when empty) into the ring at `head` and advances it.
    private mutating func writeNewRow<Fields: Collection>(_ fields: Fields, ring: UnsafeMutablePointer<Float>)
    where Fields.Element == Double {
        let base = Int(head) * fieldCount
        if fields.isEmpty {
            for field in 0..<fieldCount { ring[base + field] = .nan }
        } else {
            var field = base
            for value in fields {
                ring[field] = value.isFinite ? Float(value) : .nan
                field += 1
            }
        }
        head = (head + 1) % widthStorage
        filled = min(filled + 1, widthStorage)
    }

    private mutating func updateNewestRow<Fields: Collection>(_ fields: Fields, ring: UnsafeMutablePointer<Float>)
    where Fields.Element == Double {
        var index = ((Int(head) - 1 + width) % width) * fieldCount
        for value in fields {
            if value.isFinite { ring[index] = Float(value) }
            index += 1
        }
    }

    // MARK: - Step inference

    private mutating func buffer<Fields: Collection>(
        timestamp: Double, fields: Fields, ring: UnsafeMutablePointer<Float>, counts: inout SeriesWindow.Counts
    ) -> SeriesWindow.Outcome where Fields.Element == Double {
        // Buffered points are kept in arrival order in the ring's rows; a repeat of the last
        // buffered timestamp is a duplicate, an earlier one is late (the same policy as later on).
        if let last = pending.last {
            if timestamp == last { return counts.record(.duplicate) }
            if timestamp < last { return counts.record(.late) }
        }
        if pending.isEmpty { pending.reserveCapacity(Int(inferenceCapacity)) }
        var index = pending.count * fieldCount
        for value in fields {
            ring[index] = value.isFinite ? Float(value) : .nan
            index += 1
        }
        pending.append(timestamp)
        guard pending.count >= Int(inferenceCapacity), let inferred = StepInference.medianDelta(of: pending) else {
            return .buffered
        }
        replayBufferedPoints(step: inferred, ring: ring, counts: &counts)
        return .buffered
    }

    /// Fixes the step and re-inserts the buffered points onto the grid, in arrival order.
    private mutating func replayBufferedPoints(
        step: Double, ring: UnsafeMutablePointer<Float>, counts: inout SeriesWindow.Counts
    ) {
        let timestamps = pending
        let rows = Array(UnsafeBufferPointer(start: ring, count: timestamps.count * fieldCount))  // once per series
        pending = []  // releases the buffer
        inferenceCapacity = 0
        stepStorage = step
        Self.clear(ring, count: width * fieldCount)
        var row = [Double](repeating: .nan, count: fieldCount)
        for (number, timestamp) in timestamps.enumerated() {
            for field in 0..<fieldCount { row[field] = Double(rows[number * fieldCount + field]) }
            counts.record(place(timestamp: timestamp, fields: row, ring: ring))
        }
    }
}
