/// Why ``MetricsServer/localPort()`` has no port to give.
public enum MetricsServerError: Error, Sendable {
    /// The listener stopped, or never bound, before a port was known.
    case notListening
}
