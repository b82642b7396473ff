import Foundation  // JSONEncoder/JSONDecoder for the model-file metadata (not on the per-point path)

/// The threshold of a model group, whichever method its configuration names
/// (`group.threshold.method = "spot" | "quantile" | "static"`), as one concrete value type: no
/// existential on the per-window path, and one Codable state for the model file.
public enum Threshold: AnomalyThreshold, Codable, Equatable {
    /// A fixed value (`static`).
    case fixed(StaticThreshold)
    /// An empirical quantile of recent scores (`quantile`).
    case quantile(QuantileThreshold)
    /// SPOT or DSPOT (`spot`).
    case spot(SpotThreshold)

    public var current: Double {
        switch self {
        case .fixed(let threshold): threshold.current
        case .quantile(let threshold): threshold.current
        case .spot(let threshold): threshold.current
        }
    }

    private static let placeholder = Threshold.fixed(StaticThreshold(value: .infinity))

    public mutating func observe(_ score: Double) -> Bool {
        switch self {
        case .fixed(let threshold):
            return threshold.observe(score)
        case .quantile(var threshold):
            self = .placeholder  // drop self's reference so the buffers mutate in place, not copy
            let anomalous = threshold.observe(score)
            self = .quantile(threshold)
            return anomalous
        case .spot(var threshold):
            self = .placeholder
            let anomalous = threshold.observe(score)
            self = .spot(threshold)
            return anomalous
        }
    }

    /// The threshold state as compact JSON, for the model file's `__metadata__`.
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Reads a threshold state written by ``jsonString()``.
    public init(jsonString: String) throws {
        self = try JSONDecoder().decode(Threshold.self, from: Data(jsonString.utf8))
    }
}
