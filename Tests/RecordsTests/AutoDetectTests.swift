import Records
import Testing

@Suite struct AutoDetectTests {
    @Test func allSpecExamplesInOnePayload() {
        let payload = """
            {"series":"pump-7","ts":1700000000.5,"value":0.42}
            {"series":"pump-7","ts":"2026-11-24T20:00:00Z","fields":{"temp":71.2,"vibration":0.031},"tags":{"site":"a"}}
            pump-7,site=a temp=71.2,vibration=0.031 1700000000000000000
            servers.web1.cpu 0.42 1700000000
            """
        let result = decode(payload)
        #expect(result.errors.isEmpty)
        #expect(result.records == [
            record("pump-7", 1_700_000_000.5, field("value", 0.42)),
            record("pump-7,site=a", 1_795_550_400, field("temp", 71.2), field("vibration", 0.031)),
            record("pump-7,site=a", 1_700_000_000, field("temp", 71.2), field("vibration", 0.031)),
            record("servers.web1.cpu", 1_700_000_000, field("value", 0.42)),
        ])
    }

    @Test func twoOrThreeTokensWithANumericSecondAreGraphite() {
        #expect(decodeOne("cpu 42") == record("cpu", receivedAt, field("value", 42)))
        #expect(decodeOne("cpu -1.5 7") == record("cpu", 7, field("value", -1.5)))
        #expect(decodeOne("cpu nan 7") == record("cpu", 7, field("value", nil)))
    }

    @Test func everythingElseIsInflux() {
        #expect(decodeOne("cpu v=42 7", precision: .seconds) == record("cpu", 7, field("v", 42)))
        // An escaped space does not split tokens, so this is an Influx measurement `a 5`.
        #expect(decodeOne(#"a\ 5 f=1"#)?.seriesKey == "a 5")
        // Four tokens are not Graphite even with a numeric second.
        #expect(rejectOne("cpu 1 2 3")?.reason == .malformed)
    }

    @Test func leadingWhitespaceStillDetectsJSON() {
        #expect(decodeOne(#"   {"series":"a","value":1}"#)?.seriesKey == "a")
    }

    @Test func blankLinesAreSkippedAndCRLFTolerated() {
        let payload = "\n\r\n  \t \n{\"series\":\"a\",\"value\":1}\r\ncpu 2\r\n\n"
        let result = decode(payload)
        #expect(result.errors.isEmpty)
        #expect(result.records == [record("a", receivedAt, field("value", 1)), record("cpu", receivedAt, field("value", 2))])
    }

    @Test func emptyPayloadAndNoTrailingNewline() {
        #expect(decode("").records.isEmpty)
        #expect(decode("").errors.isEmpty)
        #expect(decode("a 1\nb 2").records.map(\.seriesKey) == ["a", "b"])
    }

    @Test func forcedFormatDoesNotDetect() {
        #expect(rejectOne("cpu 42 7", format: .json)?.reason == .malformed)
        #expect(rejectOne("cpu 42 7", format: .influx)?.reason == .malformed)
        #expect(rejectOne("cpu v=1", format: .graphite)?.reason == .malformed)
    }

    @Test func errorsCarryTheLineRange() {
        let payload = "a 1\nbad\r\nb 2\n"
        let result = decode(payload)
        #expect(result.records.map(\.seriesKey) == ["a", "b"])
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.line == 4..<7)
        #expect(result.errors.first?.offset == 7)
    }

    @Test func parserCopiesDoNotShareScratch() {
        var first = RecordParser()
        var second = first
        var keys: [String] = []
        first.parse(Array("a 1\n".utf8)) { outer in
            second.parse(Array("b 2\n".utf8)) { _ in } onReject: { _ in }
            keys.append(String(decoding: outer.seriesKey, as: UTF8.self))
        } onReject: { _ in }
        #expect(keys == ["a"])
    }

    @Test func wholeLineFaultsPointAtTheFirstNonBlankByte() {
        let result = decode("a 1\n  {}\n")
        #expect(result.errors.map(\.offset) == [6])
        #expect(result.errors.map(\.line) == [4..<8])
    }

    @Test func hotPathLendsKeyBytesAndRawValues() {
        var parser = RecordParser()
        var seen: [(String, [Double], Double?)] = []
        parser.parse(Array("m,b=2,a=1 x=1,y=nan 3000000000\n".utf8)) { record in
            seen.append((
                String(decoding: record.seriesKey, as: UTF8.self),
                record.fields.indices.map { record.fields.rawValue(at: $0) },
                record.timestamp))
            #expect(record.fields.map { String(decoding: $0.name, as: UTF8.self) } == ["x", "y"])
            #expect(record.fields[1].value == nil)
            #expect(record.line == 0..<30)
        } onReject: { _ in }
        #expect(seen.count == 1)
        #expect(seen.first?.0 == "m,a=1,b=2")
        #expect(seen.first?.1.first == 1)
        #expect(seen.first?.1.last?.isNaN == true)
        #expect(seen.first?.2 == 3)
    }

    @Test func rejectReasonLabels() {
        #expect(RejectReason.allCases.map(\.label)
            == [
                "malformed", "too_large", "no_fields", "bad_timestamp", "series_limit", "late", "duplicate",
                "unknown_group", "dropped_queue_full", "future_timestamp", "out_of_range",
            ])
        #expect(RejectReason.allCases.map(\.rawValue) == Array(0..<RejectReason.allCases.count))
    }
}
