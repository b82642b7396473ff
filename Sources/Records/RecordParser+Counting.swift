extension RecordParser {
    /// The number of lines of `payload` that ``parse(_:onRecord:onReject:)`` would report, as a
    /// record or as a rejected line, without decoding any (with the same framing and trimming):
    /// blank lines, and `#` comment lines in the `influx` and `auto` formats, are skipped; a line
    /// over ``maxLineBytes`` counts.
    ///
    /// The daemon counts the records of a message it cannot parse (dropped whole when its input
    /// queue is full, or over `max_message_bytes`) with it, so that every record that arrived is
    /// accounted for: received = accepted + rejected, per reason.
    public func recordCount(in payload: UnsafeRawBufferPointer) -> Int {
        guard let start = payload.baseAddress, payload.count > 0 else { return 0 }
        let base = start.assumingMemoryBound(to: UInt8.self)
        let commentsSkipped = format == .influx || format == .auto
        var records = 0
        Self.forEachLine(base, count: payload.count) { lineStart, end in
            if end - lineStart > maxLineBytes {
                records += 1
                return
            }
            let (first, last) = Self.trimmed(base, lineStart, end)
            if first < last && !(commentsSkipped && base[first] == UInt8(ascii: "#")) { records += 1 }
        }
        return records
    }
}
