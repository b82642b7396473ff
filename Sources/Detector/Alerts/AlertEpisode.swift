/// One contiguous run of anomalous windows of a series, from `open` to `resolved` (docs/DESIGN.md §4).
public struct AlertEpisode: Equatable, Sendable, Codable {
    /// The episode id carried by every message about it: 16 hex digits, a hash of the series key
    /// and the opening window's time, so it is stable across restarts and replays.
    public let id: String
    /// Stream time of the window that opened the episode.
    public let openedAt: Double
    /// Anomalous windows so far (including the ones that reached `minConsecutive`).
    public internal(set) var anomalousWindows: Int
    /// The highest severity seen so far.
    public internal(set) var peakSeverity: Double
    /// Stream time of the last `open` or `ongoing` message.
    public internal(set) var lastMessageAt: Double
    /// Normal windows in a row since the last anomalous one.
    public internal(set) var normalStreak: Int

    /// The episode id for `seriesKey` opened at `openedAt`: FNV-1a 64 over the key's bytes and
    /// the time's bit pattern, in lowercase hex.
    public static func makeID(seriesKey: String, openedAt: Double) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in seriesKey.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        var bits = openedAt.bitPattern
        for _ in 0..<8 {
            hash = (hash ^ (bits & 0xff)) &* 0x0000_0100_0000_01b3
            bits >>= 8
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
