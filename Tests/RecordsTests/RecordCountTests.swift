import Records
import Testing

/// ``RecordParser/recordCount(in:)`` must agree with what ``RecordParser/parse(_:onRecord:onReject:)``
/// reports, line for line: the daemon counts dropped messages with it, and its accounting
/// (received = accepted + rejected) is only exact if the two never differ.
@Suite struct RecordCountTests {
    /// Records plus rejected lines, as the parser reports them.
    func parsedCount(_ payload: [UInt8], format: RecordFormat, maxLineBytes: Int = 65_536) -> Int {
        var parser = RecordParser(format: format, maxLineBytes: maxLineBytes)
        var count = 0
        parser.parse(payload) { _ in count += 1 } onReject: { _ in count += 1 }
        return count
    }

    func counted(_ payload: [UInt8], format: RecordFormat, maxLineBytes: Int = 65_536) -> Int {
        let parser = RecordParser(format: format, maxLineBytes: maxLineBytes)
        return payload.withUnsafeBytes { parser.recordCount(in: $0) }
    }

    @Test(arguments: RecordFormat.allCases)
    func agreesOnFramingEdgeCases(format: RecordFormat) {
        let payloads = [
            "", "\n", "\n\n\r\n", "  \t \n", "# comment\n", "  # indented comment", "m v=1 1\n#c\n\n",
            "a 1 2\r\nb 2 3", "{\"series\":\"a\",\"value\":1}\n\n{\"series\":\"b\"", "x\n\ny\n \n\tz\t",
            "#\n#\n", "\r", "\r\n\r\n", "m v=1\n" + String(repeating: "w", count: 100) + "\n  ",
        ]
        for text in payloads {
            let payload = Array(text.utf8)
            #expect(counted(payload, format: format) == parsedCount(payload, format: format), "\(text.debugDescription)")
            #expect(counted(payload, format: format, maxLineBytes: 8)
                == parsedCount(payload, format: format, maxLineBytes: 8), "\(text.debugDescription), 8-byte lines")
        }
    }

    @Test(arguments: RecordFormat.allCases)
    func agreesOnTheMalformedCorpus(format: RecordFormat) {
        let lines = MalformedCorpus.json + MalformedCorpus.influx + MalformedCorpus.auto
        let payload = Array(lines.map(\.bytes).joined(separator: [0x0A]))
        #expect(counted(payload, format: format) == parsedCount(payload, format: format))
    }

    @Test func agreesOnRandomBytes() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        // Bytes drawn mostly from the characters that matter to framing.
        let alphabet = Array(" \t\r\n#{}\"=,:.1ea".utf8) + [0xFF, 0x00]
        for _ in 0..<2_000 {
            let payload = (0..<Int(next() % 64)).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
            for format in RecordFormat.allCases {
                #expect(counted(payload, format: format, maxLineBytes: 16)
                    == parsedCount(payload, format: format, maxLineBytes: 16), "\(payload) \(format)")
            }
        }
    }
}
