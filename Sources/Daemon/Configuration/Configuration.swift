import Detector

/// The whole daemon configuration: docs/DESIGN.md §5, one value built from `anomalyd.toml`.
///
/// Every key has a default, so `Configuration()` serves on loopback. Loading is strict:
/// an unknown key, a wrong type or an out-of-range value is a ``ConfigurationError`` naming the key.
public struct Configuration: Sendable, Equatable {
    /// `[input]`: where records come from.
    public var input = InputSettings()
    /// `[output]`: where alerts go.
    public var output = OutputSettings()
    /// `[security]`: CURVE.
    public var security = SecuritySettings()
    /// `[state]`: checkpoints.
    public var state = StateSettings()
    /// `[metrics]`: the Prometheus listener.
    public var metrics = MetricsSettings()
    /// `[limits]`: cardinality caps.
    public var limits = LimitSettings()
    /// `[[group]]`: model groups, first match wins.
    public var groups: [GroupConfiguration] = [GroupConfiguration()]

    /// The defaults.
    public init() {}
}

/// Record input format of `[input] format`.
public enum InputFormat: String, Sendable, Equatable, CaseIterable {
    /// Pick per line (docs/DESIGN.md §3).
    case auto
    /// JSON lines only.
    case json
    /// Influx line protocol only.
    case influx
    /// Graphite plaintext only.
    case graphite
}

/// The `[input]` table.
public struct InputSettings: Sendable, Equatable {
    /// Endpoints the SUB socket binds (producers connect).
    public var bind = ["tcp://127.0.0.1:5556"]
    /// Endpoints the SUB socket connects to (producers bind).
    public var connect: [String] = []
    /// Topic prefixes subscribed to.
    public var subscribe = [""]
    /// Record format.
    public var format = InputFormat.auto
    /// Timestamp unit of Influx lines: `ns`, `us`, `ms` or `s`.
    public var influxPrecision = "ns"
    /// Largest accepted message; larger ones are dropped by libzmq and counted.
    public var maxMessageBytes = 1_048_576
    /// Messages libzmq queues per connection before it stops reading that connection. The
    /// daemon's receiver thread drains them into its own queue as they arrive, so this only fills
    /// when that thread is starved; small, so that libzmq's share of the memory stays small too.
    public var receiveHWM = 1_000
    /// Bytes of received messages waiting to be parsed, at most. A message that would exceed it is
    /// dropped whole and its records counted as `dropped_queue_full`: input memory is bounded in
    /// bytes, and nothing is lost uncounted (docs/RELIABILITY.md §3).
    public var queueBytes = 64 << 20
    /// Defaults.
    public init() {}
}

/// The `[output]` table.
public struct OutputSettings: Sendable, Equatable {
    /// Endpoints the alert PUB socket binds.
    public var bind = ["tcp://127.0.0.1:5557"]
    /// Prefix of alert topics: `<prefix><group>.<series>`.
    public var topicPrefix = "alert."
    /// Send high-water mark in messages.
    public var sendHWM = 100_000
    /// Defaults.
    public init() {}
}

/// The `[security]` table.
public struct SecuritySettings: Sendable, Equatable {
    /// Whether both bound sockets are CURVE servers.
    public var curve = false
    /// File holding this server's Z85 secret key.
    public var secretKeyFile = ""
    /// Directory of authorised client public keys, one Z85 key per file.
    public var authorizedKeysDirectory = ""
    /// Defaults.
    public init() {}
}

/// The `[state]` table.
public struct StateSettings: Sendable, Equatable {
    /// State directory; empty means `$STATE_DIRECTORY`, else `./anomalyd-state`.
    public var directory = ""
    /// Seconds between checkpoints.
    public var checkpointEvery = 300.0
    /// Defaults.
    public init() {}
}

/// The `[metrics]` table.
public struct MetricsSettings: Sendable, Equatable {
    /// `host:port` of the loopback HTTP listener; empty disables it.
    public var listen = "127.0.0.1:9464"
    /// Defaults.
    public init() {}
}

/// The `[limits]` table.
public struct LimitSettings: Sendable, Equatable {
    /// Most series tracked at once; records of further series are rejected as `series_limit`.
    public var maxSeries = 100_000
    /// Most fields per record.
    public var maxFields = 64
    /// Seconds a timestamp may lie ahead of the daemon's clock; later ones are rejected as
    /// `future_timestamp`. Ten minutes: far beyond the skew of any synchronised clock, and short
    /// enough that a point from a bad clock that got in costs its series at most that long.
    public var maxFuture = 600.0
    /// Seconds without a record after which a series is forgotten (its window, its place under
    /// `max_series`); it starts afresh if it returns. A week: a series silent that long is gone
    /// or renamed, while a nightly or weekend job keeps its window.
    public var seriesIdle = 7 * 86_400.0
    /// Defaults.
    public init() {}
}
