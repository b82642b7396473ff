/// The wire format of the lines in a payload (`input.format`, docs/DESIGN.md §3 and §5).
public enum RecordFormat: String, Hashable, Sendable, CaseIterable {
    /// Per line: `{` starts JSON; two or three whitespace-separated tokens whose second is
    /// a number are Graphite; anything else is Influx line protocol.
    case auto
    /// One JSON object per line.
    case json
    /// InfluxDB line protocol.
    case influx
    /// Graphite plaintext: `path value [timestamp]`.
    case graphite
}

/// The unit of Influx line protocol timestamps (`input.influx_precision`).
public enum InfluxPrecision: String, Hashable, Sendable, CaseIterable {
    /// Nanoseconds, InfluxDB's default.
    case nanoseconds = "ns"
    /// Microseconds.
    case microseconds = "us"
    /// Milliseconds.
    case milliseconds = "ms"
    /// Seconds.
    case seconds = "s"
}
