/// The empirical `level`-quantile of the most recent non-anomalous scores.
///
/// Keeps at most `capacity` scores twice: in arrival order (a ring, to know which one to forget)
/// and sorted (to read the quantile in O(1)); an update costs one binary search and one shift of
/// at most `capacity` elements. Memory: 16 bytes per retained score.
public struct QuantileThreshold: AnomalyThreshold, Codable, Equatable {
    /// The quantile level in (0, 1), e.g. 0.999.
    public let level: Double
    /// How many recent scores are retained.
    public let capacity: Int
    private var ring: [Double]
    private var next = 0
    private var sorted: [Double]

    /// Creates a threshold initialised from calibration scores (the last `capacity` are kept).
    /// - Parameters:
    ///   - level: the quantile level in (0, 1).
    ///   - capacity: the number of recent scores retained, at least 1.
    ///   - calibration: scores of normal data, in stream order; non-finite ones are skipped.
    public init(level: Double, capacity: Int = 10_000, calibration: [Double]) {
        precondition(level > 0 && level < 1, "the quantile level must be in (0, 1)")
        precondition(capacity >= 1, "the capacity must be positive")
        self.level = level
        self.capacity = capacity
        ring = []
        sorted = []
        ring.reserveCapacity(capacity)
        sorted.reserveCapacity(capacity)
        for score in calibration { learn(score) }
    }

    /// The quantile of the retained scores (linear interpolation between order statistics),
    /// or +∞ while nothing is retained.
    public var current: Double {
        guard !sorted.isEmpty else { return .infinity }
        return Self.quantile(ofSorted: sorted, level: level)
    }

    /// The number of scores retained.
    public var count: Int { sorted.count }

    public mutating func observe(_ score: Double) -> Bool {
        if score > current { return true }
        learn(score)
        return false
    }

    /// Adds a score to the retained ones, forgetting the oldest when full.
    public mutating func learn(_ score: Double) {
        guard score.isFinite else { return }
        if ring.count < capacity {
            ring.append(score)
        } else {
            let oldest = ring[next]
            ring[next] = score
            next = (next + 1) % capacity
            sorted.remove(at: Self.insertionIndex(of: oldest, in: sorted))
        }
        sorted.insert(score, at: Self.insertionIndex(of: score, in: sorted))
    }

    /// The `level`-quantile of an ascending, non-empty array (type 7: linear interpolation).
    public static func quantile(ofSorted values: [Double], level: Double) -> Double {
        precondition(!values.isEmpty, "the quantile of nothing")
        let position = level * Double(values.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, values.count - 1)
        let fraction = position - Double(lower)
        return values[lower] + (values[upper] - values[lower]) * fraction
    }

    /// The first index whose element is not less than `value` (lower bound).
    static func insertionIndex(of value: Double, in values: [Double]) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
