/// A fixed boundary: anomalous above `value`, never learning.
public struct StaticThreshold: AnomalyThreshold, Codable, Equatable {
    /// The boundary.
    public var value: Double

    /// Creates a fixed boundary at `value`.
    public init(value: Double) { self.value = value }

    public var current: Double { value }

    public func observe(_ score: Double) -> Bool { score > value }
}
