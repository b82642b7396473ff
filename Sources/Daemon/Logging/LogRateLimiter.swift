/// Lets one log line per key through per interval and counts what it held back, so a flood of bad
/// input costs a line every few seconds, not a line per record (docs/DESIGN.md §3: at most once per 10 s per
/// reason, with a sample).
///
/// Not thread-safe: each loop that logs owns its own limiter (no lock on the hot path).
public struct LogRateLimiter<Key: Hashable> {
    /// Minimum time between two lines for one key.
    public let interval: Duration
    private var lastLogged: [Key: ContinuousClock.Instant] = [:]
    private var suppressed: [Key: Int] = [:]

    /// A limiter letting one line per key through every `interval`.
    public init(interval: Duration = .seconds(10)) {
        self.interval = interval
    }

    /// Whether a line for `key` may be logged at `now`. When it may, also returns how many lines
    /// for the key were held back since the last one, to report alongside the sample.
    public mutating func admit(_ key: Key, now: ContinuousClock.Instant = .now) -> (admitted: Bool, suppressed: Int) {
        if let last = lastLogged[key], now - last < interval {
            suppressed[key, default: 0] += 1
            return (false, 0)
        }
        lastLogged[key] = now
        let held = suppressed.removeValue(forKey: key) ?? 0
        return (true, held)
    }
}
