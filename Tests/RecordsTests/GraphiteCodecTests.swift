import Records
import Testing

@Suite struct GraphiteCodecTests {
    @Test func specExample() {
        #expect(decodeOne("servers.web1.cpu 0.42 1700000000", format: .graphite)
            == record("servers.web1.cpu", 1_700_000_000, field("value", 0.42)))
    }

    @Test func timestampIsOptional() {
        #expect(decodeOne("a.b 1", format: .graphite) == record("a.b", receivedAt, field("value", 1)))
        #expect(decodeOne("a.b 1 -1", format: .graphite) == record("a.b", receivedAt, field("value", 1)))
    }

    @Test func fractionalTimestampsAndTabs() {
        #expect(decodeOne("a.b\t-2.5e1 \t1700000000.25", format: .graphite)
            == record("a.b", 1_700_000_000.25, field("value", -25)))
    }

    @Test func nonFiniteValuesAreMissing() {
        #expect(decodeOne("a nan 10", format: .graphite) == record("a", 10, field("value", nil)))
        #expect(decodeOne("a -Infinity 10", format: .graphite) == record("a", 10, field("value", nil)))
    }

    @Test func pathIsVerbatim() {
        #expect(decodeOne(#"a,b=c\d.é 1 10"#, format: .graphite)?.seriesKey == #"a,b=c\d.é"#)
    }

    @Test func rejections() {
        let cases: [(String, RejectReason, Int)] = [
            ("a.b", .malformed, 3),
            ("a.b x 10", .malformed, 4),
            ("a.b 1 10 extra", .malformed, 9),
            ("a.b 1 soon", .badTimestamp, 6),
            ("a.b 1 1700000000000", .badTimestamp, 6),
            ("a.b 1e999 10", .malformed, 4),
        ]
        for (line, reason, offset) in cases {
            let error = rejectOne(line, format: .graphite)
            #expect(error?.reason == reason, "\(line)")
            #expect(error?.offset == offset, "\(line)")
        }
    }
}
