import Records
import Testing

@Suite struct InfluxCodecTests {
    @Test func specExample() {
        let line = "pump-7,site=a temp=71.2,vibration=0.031 1700000000000000000"
        #expect(decodeOne(line, format: .influx)
            == record("pump-7,site=a", 1_700_000_000, field("temp", 71.2), field("vibration", 0.031)))
    }

    @Test func measurementEscapes() {
        #expect(decodeOne(#"my\ meas\,x f=1"#, format: .influx)?.seriesKey == "my meas,x")
        // `=` needs no escape in a measurement; other backslashes are kept.
        #expect(decodeOne(#"a=b\c f=1"#, format: .influx)?.seriesKey == #"a=b\c"#)
    }

    @Test func tagEscapesAreRenderedCanonically() {
        let line = #"m,k\=1=v\ 2,b=x\,y f=1"#
        #expect(decodeOne(line, format: .influx)?.seriesKey == #"m,b=x\,y,k\=1=v\ 2"#)
    }

    @Test func sameSeriesFromJSONAndInfluxHasTheSameKey() {
        let influx = decodeOne(#"m,z=1,a=x\ y f=1"#, format: .influx)?.seriesKey
        let json = decodeOne(#"{"series":"m","tags":{"a":"x y","z":"1"},"value":1}"#)?.seriesKey
        #expect(influx == #"m,a=x\ y,z=1"#)
        #expect(influx == json)
    }

    @Test func fieldKeyEscapes() {
        let line = #"m f\ 1=1,f\,2=2,f\=3=3"#
        #expect(decodeOne(line, format: .influx)?.fields == [field("f 1", 1), field("f,2", 2), field("f=3", 3)])
    }

    @Test func stringFieldsAreIgnoredWithTheirEscapes() {
        let line = #"m s="a \"quoted\", b=c d\\",x=1,t="",u="\\" 5"#
        #expect(decodeOne(line, format: .influx, precision: .seconds) == record("m", 5, field("x", 1)))
    }

    @Test func integersUnsignedAndBooleans() {
        let line = "m a=12i,b=-12i,c=12u,d=9223372036854775807i,e=-9223372036854775808i,f=18446744073709551615u"
        let expected: [Record.Field] = [
            field("a", 12), field("b", -12), field("c", 12), field("d", Double(Int64.max)),
            field("e", Double(Int64.min)), field("f", Double(UInt64.max)),
        ]
        #expect(decodeOne(line, format: .influx)?.fields == expected)
        let booleans = "m a=t,b=T,c=true,d=True,e=TRUE,f=f,g=F,h=false,i=False,j=FALSE"
        #expect(decodeOne(booleans, format: .influx)?.fields.map(\.value) == [1, 1, 1, 1, 1, 0, 0, 0, 0, 0])
    }

    @Test func floatsInTheirLenientSpellings() {
        let line = "m a=1,b=-1.5,c=1e3,d=.5,e=5.,f=+2,g=1E-2,h=007"
        #expect(decodeOne(line, format: .influx)?.fields.map(\.value) == [1, -1.5, 1000, 0.5, 5, 2, 0.01, 7])
    }

    @Test func nanAndInfinityAreMissing() {
        let line = "m a=NaN,b=inf,c=-Inf,d=1"
        #expect(decodeOne(line, format: .influx)?.fields == [field("a", nil), field("b", nil), field("c", nil), field("d", 1)])
    }

    @Test(arguments: [
        (InfluxPrecision.nanoseconds, "1700000000123456789", 1_700_000_000.123456789),
        (.microseconds, "1700000000123456", 1_700_000_000.123456),
        (.milliseconds, "1700000000123", 1_700_000_000.123),
        (.seconds, "1700000000", 1_700_000_000),
        (.nanoseconds, "-1500000000", -1.5),
        (.nanoseconds, "0", 0),
    ])
    func precision(precision: InfluxPrecision, stamp: String, seconds: Double) throws {
        let timestamp = try #require(decodeOne("m f=1 \(stamp)", format: .influx, precision: precision)?.timestamp)
        #expect(abs(timestamp - seconds) <= 1e-6)
    }

    @Test func secondsPrecisionRejectsNanosecondStamps() {
        let result = decode("m f=1 1700000000000000000", format: .influx, precision: .seconds)
        #expect(result.errors.map(\.reason) == [.badTimestamp])
        #expect(result.errors.first?.offset == 6)
    }

    @Test func missingTimestampUsesTimeOfReceipt() {
        #expect(decodeOne("m,t=1 f=1", format: .influx)?.timestamp == receivedAt)
    }

    @Test func commentsAreSkipped() {
        let result = decode("# a comment\nm f=1 0\n  # indented\n", format: .influx)
        #expect(result.records == [record("m", 0, field("f", 1))])
        #expect(result.errors.isEmpty)
    }

    @Test func fieldOrderAndUTF8() {
        let line = "温度,站=北 ü=1,a=2"
        #expect(decodeOne(line, format: .influx) == record("温度,站=北", receivedAt, field("ü", 1), field("a", 2)))
    }
}
