#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension RecordParser {
    /// The number of lines of `payload` that ``parse(_:onRecord:onReject:)`` would report, as a
    /// record or as a rejected line, without decoding any: blank lines, and `#` comment lines in
    /// the `influx` and `auto` formats, are skipped; a line over ``maxLineBytes`` counts.
    ///
    /// The daemon counts the records of a message it cannot parse (dropped whole when its input
    /// queue is full, or over `max_message_bytes`) with it, so that every record that arrived is
    /// accounted for: received = accepted + rejected, per reason. One `memchr` per line.
    public func recordCount(in payload: UnsafeRawBufferPointer) -> Int {
        guard let start = payload.baseAddress, payload.count > 0 else { return 0 }
        let base = start.assumingMemoryBound(to: UInt8.self)
        let count = payload.count
        let commentsSkipped = format == .influx || format == .auto
        var records = 0
        var lineStart = 0
        while lineStart < count {
            var lineEnd = count
            if let newline = memchr(base + lineStart, 0x0A, count - lineStart) {
                lineEnd = UnsafeRawPointer(newline) - UnsafeRawPointer(base)
            }
            var end = lineEnd
            if end > lineStart && base[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            if end - lineStart > maxLineBytes {
                records += 1
            } else {
                var first = lineStart
                while first < end && (base[first] == UInt8(ascii: " ") || base[first] == UInt8(ascii: "\t")) { first += 1 }
                var last = end
                while last > first && (base[last - 1] == UInt8(ascii: " ") || base[last - 1] == UInt8(ascii: "\t")) { last -= 1 }
                if first < last && !(commentsSkipped && base[first] == UInt8(ascii: "#")) { records += 1 }
            }
            lineStart = lineEnd + 1
        }
        return records
    }
}
