import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A swift-log handler that writes one line per message to stderr (docs/DESIGN.md §9).
///
/// Under systemd (`$JOURNAL_STREAM` set) each line starts with the `<N>` syslog priority that
/// journald parses (sd-daemon(3)), and no timestamp, which journald adds itself. Elsewhere each
/// line starts with an RFC 3339 UTC timestamp and the level. Newlines inside a message are
/// escaped so that one event is always one line. Each line is one `write(2)`, so lines from
/// several threads never interleave.
public struct JournalLogHandler: LogHandler {
    /// Whether lines carry `<N>` priority prefixes instead of timestamps.
    public let journald: Bool
    /// The component name shown on every line.
    public let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// A handler for `label`; `environment` decides the journald format.
    public init(label: String, environment: [String: String]) {
        self.label = label
        self.journald = environment["JOURNAL_STREAM"] != nil
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let line = Self.format(
            level: event.level, label: label, message: event.message.description,
            metadata: merged, journald: journald, now: journald ? nil : Self.timestamp())
        line.utf8CString.withUnsafeBufferPointer { buffer in
            _ = write(2, buffer.baseAddress, buffer.count - 1)
        }
    }

    /// Renders one line (ending in `\n`); exposed for tests.
    public static func format(
        level: Logger.Level, label: String, message: String, metadata: Logger.Metadata,
        journald: Bool, now: String?
    ) -> String {
        var line = ""
        if journald {
            line += "<\(priority(of: level))>"
        } else if let now {
            line += "\(now) \(level.rawValue.uppercased()) "
        }
        line += "\(label): \(message)"
        for key in metadata.keys.sorted() {
            line += " \(key)=\(metadata[key]!)"
        }
        return line.replacingNewlines() + "\n"
    }

    /// syslog(3) priority of a swift-log level.
    public static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let millis = Int32(now.tv_nsec / 1_000_000)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(millis, 3))Z"
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        guard contains(where: { $0 == "\n" || $0 == "\r" }) else { return self }
        var result = ""
        for character in self {
            switch character {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result.append(character)
            }
        }
        return result
    }
}
