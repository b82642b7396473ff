/// Encodes an ``AlertMessage`` as the docs/DESIGN.md §4 JSON object, keys in the documented order, into a
/// reusable byte buffer (no `JSONEncoder`, no intermediate strings for the structure).
///
/// Numbers are written in Swift's shortest round-trip form (`14.2`, `1700000060.0`, `1e-05`);
/// a non-finite number is written as `null` so the output is always valid JSON. Strings are
/// escaped per RFC 8259: `"`, `\`, and control characters (`\n`, `\r`, `\t`, `\b`, `\f`,
/// else `\u00XX`); other UTF-8 is copied as is.
public struct AlertJSONEncoder: Sendable {
    /// The bytes of the last encoded message; reused (capacity kept) by the next call.
    public private(set) var bytes: [UInt8] = []

    /// Creates an encoder with an empty buffer.
    public init() { bytes.reserveCapacity(1024) }

    /// Encodes `message` into ``bytes``, replacing its previous contents.
    public mutating func encode(_ message: AlertMessage) {
        bytes.removeAll(keepingCapacity: true)
        Self.encode(message, into: &bytes)
    }

    /// Appends the JSON of `message` to `out`.
    public static func encode(_ message: AlertMessage, into out: inout [UInt8]) {
        let event = message.event
        append(#"{"kind":"anomaly","state":"#, to: &out)
        appendString(event.state.rawValue, to: &out)
        append(#","id":"#, to: &out)
        appendString(event.episodeID, to: &out)
        append(#","series":"#, to: &out)
        appendString(message.series, to: &out)
        append(#","group":"#, to: &out)
        appendString(message.group, to: &out)
        append(#","ts":"#, to: &out)
        appendNumber(event.time, to: &out)
        append(#","window":{"start":"#, to: &out)
        appendNumber(event.window.start, to: &out)
        append(#","end":"#, to: &out)
        appendNumber(event.window.end, to: &out)
        append(#","points":"#, to: &out)
        appendInteger(event.window.points, to: &out)
        append(#"},"score":"#, to: &out)
        appendNumber(event.score, to: &out)
        append(#","threshold":"#, to: &out)
        appendNumber(event.threshold, to: &out)
        append(#","severity":"#, to: &out)
        appendNumber(event.severity, to: &out)
        append(#","anomaly_score":"#, to: &out)
        appendNumber(event.anomalyScore, to: &out)
        append(#","reconstruction":{"nll":"#, to: &out)
        appendNumber(message.reconstructionNLL, to: &out)
        append(#","score":"#, to: &out)
        appendNumber(message.reconstructionScore, to: &out)
        append(#"},"latent":{"distance":"#, to: &out)
        appendNumber(message.latentDistance, to: &out)
        append(#","score":"#, to: &out)
        appendNumber(message.latentScore, to: &out)
        append(#"},"fields":["#, to: &out)
        for (index, field) in message.fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            append(#"{"name":"#, to: &out)
            appendString(field.name, to: &out)
            append(#","contribution":"#, to: &out)
            appendNumber(field.contribution, to: &out)
            append(#","value":"#, to: &out)
            appendNumber(field.value, to: &out)
            append(#","expected":"#, to: &out)
            appendNumber(field.expected, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        append(#"],"model":{"version":"#, to: &out)
        appendInteger(message.model.version, to: &out)
        append(#","trained_at":"#, to: &out)
        // A cold-start alert (version 0) has no model: `null`, not an empty date.
        if message.model.trainedAt.isEmpty { append("null", to: &out) } else { appendString(message.model.trainedAt, to: &out) }
        append(#"},"host":"#, to: &out)
        appendString(message.host, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    // MARK: - Pieces

    @inline(__always)
    private static func append(_ literal: StaticString, to out: inout [UInt8]) {
        literal.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// Appends a finite number in shortest round-trip form, or `null`: the daemon's one way of
    /// writing a JSON number (alerts, model events, `anomalyd replay`'s records).
    public static func appendNumber(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite else {
            append("null", to: &out)
            return
        }
        // `description` is the shortest representation that reads back exactly; it is valid
        // JSON for every finite value ("-0.0", "1e-05", "1.5e+300").
        out.append(contentsOf: value.description.utf8)
    }

    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        var magnitude = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[index]) }
        }
    }

    /// Appends `string` as a JSON string literal, escaped per RFC 8259: the daemon's one way of
    /// writing a JSON string (alerts, model events, `anomalyd replay`'s records).
    public static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append(#"\""#, to: &out)
            case UInt8(ascii: "\\"): append(#"\\"#, to: &out)
            case 0x0A: append(#"\n"#, to: &out)
            case 0x0D: append(#"\r"#, to: &out)
            case 0x09: append(#"\t"#, to: &out)
            case 0x08: append(#"\b"#, to: &out)
            case 0x0C: append(#"\f"#, to: &out)
            case 0..<0x20:
                append(#"\u00"#, to: &out)
                let hex: StaticString = "0123456789abcdef"
                hex.withUTF8Buffer { digits in
                    out.append(digits[Int(byte >> 4)])
                    out.append(digits[Int(byte & 0x0F)])
                }
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
