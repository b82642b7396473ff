/// A decision boundary on calibrated scores that may learn from the stream.
///
/// The detector calls ``observe(_:)`` once per scored window, in stream order. A threshold that
/// adapts (``QuantileThreshold``, ``SpotThreshold``) learns only from scores it did not flag, so an
/// ongoing anomaly cannot drag the boundary up after itself.
public protocol AnomalyThreshold: Sendable {
    /// The boundary the next score is compared with; a score strictly above it is anomalous.
    var current: Double { get }

    /// Compares `score` with ``current``, then learns from it if it was not anomalous.
    /// - Returns: whether `score` is anomalous.
    mutating func observe(_ score: Double) -> Bool
}
