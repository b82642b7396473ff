/// Infers a series' regular step from its first points: the median of the first positive
/// timestamp deltas. The median ignores a few late starts, restarts and jittered arrivals that a
/// mean would not; ``SeriesWindow`` buffers the points until the step is known.
public struct StepInference: Sendable {
    /// The most deltas the inference ever waits for.
    public static let maximumSamples = 16

    /// Timestamps buffered so far, strictly increasing.
    public internal(set) var timestamps: [Double]
    /// How many positive deltas are wanted before the step is decided.
    public let samples: Int
    /// How many points may be buffered at most; the step is decided when it is reached.
    public let capacity: Int

    /// Creates an inference waiting for `samples` deltas, buffering at most `bufferedRows` points.
    public init(samples: Int, bufferedRows: Int) {
        self.samples = min(max(samples, 1), Self.maximumSamples)
        self.capacity = Self.bufferCapacity(samples: samples, bufferedRows: bufferedRows)
        self.timestamps = []
        timestamps.reserveCapacity(capacity)
    }

    /// How many points an inference waiting for `samples` deltas buffers, at most `bufferedRows`.
    public static func bufferCapacity(samples: Int, bufferedRows: Int) -> Int {
        precondition(bufferedRows >= 2, "inferring a step needs at least two buffered points")
        return min(min(max(samples, 1), maximumSamples) + 1, bufferedRows)
    }

    /// Bytes held by the timestamp buffer (with its array header).
    public var footprintBytes: Int { 32 + timestamps.capacity * MemoryLayout<Double>.stride }

    /// The step, once enough points are buffered; nil until then.
    public func inferredStep() -> Double? {
        guard timestamps.count >= capacity else { return nil }
        return Self.medianDelta(of: timestamps)
    }

    /// The median of the positive deltas between consecutive `timestamps`, or nil without any.
    public static func medianDelta(of timestamps: [Double]) -> Double? {
        var deltas: [Double] = []
        for index in timestamps.indices.dropFirst() {
            let delta = timestamps[index] - timestamps[index - 1]
            if delta > 0 && delta.isFinite { deltas.append(delta) }
        }
        guard !deltas.isEmpty else { return nil }
        deltas.sort()
        let middle = deltas.count / 2
        return deltas.count % 2 == 1 ? deltas[middle] : (deltas[middle - 1] + deltas[middle]) / 2
    }
}
