/// The most recent normal windows of a model group: what the next training runs on.
///
/// A ring of `capacity` windows, each `windowSize` values plus a mask of the same size (1 observed,
/// 0 missing), in two flat buffers. The buffers grow with the windows held (by half again each
/// time, up to `capacity`), so a per-series group's many reservoirs cost what they hold rather
/// than `capacity` windows each from the start. When full, the oldest window is overwritten,
/// so the model follows slow drift. The caller leaves out windows inside alert episodes, so an
/// anomaly never becomes "normal" by being trained on (no model poisoning).
public struct WindowReservoir: Sendable {
    /// Most windows held.
    public let capacity: Int
    /// Values per window (window length × fields).
    public let windowSize: Int
    private var values: [Float]
    private var mask: [Float]
    private var next = 0
    /// Windows held, ≤ capacity.
    public private(set) var count = 0
    /// Windows ever appended.
    public private(set) var appended = 0
    /// Windows the buffers were last reserved for: what they grow to, never past `capacity`
    /// (their byte size is what malloc hands out for that, which may be more).
    public private(set) var reservedWindows = 0

    /// An empty reservoir.
    public init(capacity: Int, windowSize: Int) {
        precondition(capacity > 0 && windowSize > 0)
        self.capacity = capacity
        self.windowSize = windowSize
        values = []
        mask = []
    }

    /// Bytes of the two buffers (with their array headers).
    public var footprintBytes: Int {
        64 + (values.capacity + mask.capacity) * MemoryLayout<Float>.stride
    }

    /// Appends one window; `values` and `mask` each hold `windowSize` entries.
    public mutating func append(values window: UnsafeBufferPointer<Float>, mask windowMask: UnsafeBufferPointer<Float>) {
        precondition(window.count == windowSize && windowMask.count == windowSize)
        let offset = next * windowSize
        if offset == values.count {
            // Still filling: grow by half again (at least 16 windows), never past the capacity.
            if values.count == values.capacity {
                let windows = min(capacity, max(count + count / 2, 16))
                values.reserveCapacity(windows * windowSize)
                mask.reserveCapacity(windows * windowSize)
                reservedWindows = windows
            }
            values.append(contentsOf: window)
            mask.append(contentsOf: windowMask)
            next = (next + 1) % capacity
            count += 1
            appended += 1
            return
        }
        values.withUnsafeMutableBufferPointer { target in
            _ = UnsafeMutableBufferPointer(rebasing: target[offset..<offset + windowSize]).initialize(from: window)
        }
        mask.withUnsafeMutableBufferPointer { target in
            _ = UnsafeMutableBufferPointer(rebasing: target[offset..<offset + windowSize]).initialize(from: windowMask)
        }
        next = (next + 1) % capacity
        count = min(count + 1, capacity)
        appended += 1
    }

    /// Convenience for arrays.
    public mutating func append(values window: [Float], mask windowMask: [Float]) {
        window.withUnsafeBufferPointer { v in
            windowMask.withUnsafeBufferPointer { m in append(values: v, mask: m) }
        }
    }

    /// A copy of the held windows, oldest first: row-major [count × windowSize] values and mask.
    /// The copy is what a training job takes to another thread.
    public func snapshot() -> (values: [Float], mask: [Float], count: Int) {
        let start = count < capacity ? 0 : next
        var outValues = [Float](); outValues.reserveCapacity(count * windowSize)
        var outMask = [Float](); outMask.reserveCapacity(count * windowSize)
        for i in 0..<count {
            let slot = (start + i) % capacity
            let range = slot * windowSize..<(slot + 1) * windowSize
            outValues += values[range]
            outMask += mask[range]
        }
        return (outValues, outMask, count)
    }
}
