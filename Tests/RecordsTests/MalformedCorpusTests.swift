import Records
import Testing

/// Every malformed line is rejected with the right reason at the right byte, inside one
/// payload where good lines are interleaved and must still decode exactly.
@Suite struct MalformedCorpusTests {
    @Test func corpusHasAtLeastTwoHundredLines() {
        let total = MalformedCorpus.jsonTruncations.count + MalformedCorpus.json.count
            + MalformedCorpus.influx.count + MalformedCorpus.auto.count
        #expect(total >= 200)
    }

    @Test func jsonTruncations() {
        check(MalformedCorpus.jsonTruncations, format: .json, good: #"{"series":"good","ts":1,"value":1}"#)
    }

    @Test func json() {
        check(MalformedCorpus.json, format: .json, good: #"{"series":"good","ts":1,"value":1}"#)
    }

    @Test func jsonUnderAuto() {
        // Lines that do not start with `{` are not JSON under auto detection.
        check(MalformedCorpus.json.filter { $0.bytes.first == UInt8(ascii: "{") }, format: .auto, good: "good 1 1")
    }

    @Test func influx() {
        check(MalformedCorpus.influx, format: .influx, good: "good f=1 1000000000")
    }

    @Test func auto() {
        check(MalformedCorpus.auto, format: .auto, good: #"{"series":"good","ts":1,"value":1}"#)
    }

    @Test func nestingUpTo64LevelsIsAccepted() {
        let line = #"{"series":"good","x":"# + String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
            + #","ts":1,"value":1}"#
        #expect(decodeOne(line) == record("good", 1, field("value", 1)))
    }

    @Test func oneMegabyteLineIsTooLargeOnlyWhenOverTheLimit() {
        let line = #"{"series":"a","value":1,"pad":""# + String(repeating: "x", count: 1 << 20) + #""}"#
        #expect(decode(line, maxLineBytes: 1 << 21).records.count == 1)
        #expect(decode(line, maxLineBytes: 1 << 20).errors.map(\.reason) == [.tooLarge])
    }

    @Test func maxFieldsIsConfigurable() {
        #expect(decode("m a=1,b=2", maxFields: 2).records.count == 1)
        #expect(decode("m a=1,b=2,c=3", maxFields: 2).errors.map(\.offset) == [10])
    }

    /// Every prefix of every corpus line, in every format: no crash, and each line is
    /// exactly one record or one rejection.
    @Test func everyPrefixInEveryFormatYieldsOneOutcome() {
        let lines = (MalformedCorpus.json + MalformedCorpus.influx + MalformedCorpus.auto)
            .map(\.bytes).filter { $0.count < 4096 }
        for format in RecordFormat.allCases {
            var parser = RecordParser(format: format)
            for line in lines {
                for length in stride(from: 1, through: line.count, by: 1) {
                    var outcomes = 0
                    let prefix = Array(line[..<length])
                    parser.parse(prefix) { _ in outcomes += 1 } onReject: { _ in outcomes += 1 }
                    let blank = prefix.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
                    let comment = prefix.first == UInt8(ascii: "#") && format != .json && format != .graphite
                    #expect(outcomes == (blank || comment ? 0 : 1))
                }
            }
        }
    }

    /// Parses `good, bad₁, good, bad₂, …, good` and checks every outcome.
    private func check(_ corpus: [MalformedLine], format: RecordFormat, good: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        var payload = Array(good.utf8) + [0x0A]
        var expected: [(offset: Int, line: Range<Int>, reason: RejectReason)] = []
        for (index, bad) in corpus.enumerated() {
            let start = payload.count
            payload += bad.bytes
            expected.append((start + bad.offset, start..<payload.count, bad.reason))
            // Alternate line endings to prove `\r\n` changes nothing.
            payload += index % 2 == 0 ? [0x0A] : [0x0D, 0x0A]
            payload += Array(good.utf8) + [0x0A]
        }
        var parser = RecordParser(format: format)
        let result = parser.decode(payload, receivedAt: receivedAt)
        let goodRecord = decodeOne(good, format: format)
        #expect(goodRecord != nil, sourceLocation: sourceLocation)
        #expect(result.records.count == corpus.count + 1, sourceLocation: sourceLocation)
        #expect(result.records.allSatisfy { $0 == goodRecord }, sourceLocation: sourceLocation)
        #expect(result.errors.count == corpus.count, sourceLocation: sourceLocation)
        for (error, want) in zip(result.errors, expected) {
            let line = String(decoding: payload[want.line].prefix(80), as: UTF8.self)
            #expect(error.reason == want.reason, "\(line): \(error)", sourceLocation: sourceLocation)
            #expect(error.offset == want.offset, "\(line): \(error) want \(want.offset)", sourceLocation: sourceLocation)
            #expect(error.line == want.line, "\(line)", sourceLocation: sourceLocation)
        }
    }
}
