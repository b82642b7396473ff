import Records
import Testing

@Suite struct JSONCodecTests {
    @Test func specExampleWithValueShorthand() {
        let line = #"{"series":"pump-7","ts":1700000000.5,"value":0.42}"#
        #expect(decodeOne(line, format: .json) == record("pump-7", 1_700_000_000.5, field("value", 0.42)))
    }

    @Test func specExampleWithFieldsTagsAndRFC3339() {
        let line = #"{"series":"pump-7","ts":"2026-11-24T20:00:00Z","fields":{"temp":71.2,"vibration":0.031},"tags":{"site":"a"}}"#
        #expect(decodeOne(line, format: .json)
            == record("pump-7,site=a", 1_795_550_400, field("temp", 71.2), field("vibration", 0.031)))
    }

    @Test func tagsAreSortedAndEscapedInTheKey() {
        let line = #"{"tags":{"z":"1","a":"x,y z=w"},"series":"m","value":1}"#
        #expect(decodeOne(line)?.seriesKey == #"m,a=x\,y\ z\=w,z=1"#)
    }

    @Test func missingTimestampUsesTimeOfReceipt() {
        #expect(decodeOne(#"{"series":"a","value":1}"#)?.timestamp == receivedAt)
        #expect(decodeOne(#"{"series":"a","ts":null,"value":1}"#)?.timestamp == receivedAt)
    }

    @Test func missingAndBooleanAndStringValues() {
        let line = #"{"series":"a","fields":{"x":null,"on":true,"off":false,"note":"hi","y":-2.5e3}}"#
        #expect(decodeOne(line) == record("a", receivedAt,
            field("x", nil), field("on", 1), field("off", 0), field("y", -2500)))
    }

    @Test func valueAndFieldsKeepLineOrder() {
        let line = #"{"fields":{"b":2},"value":1,"series":"a"}"#
        #expect(decodeOne(line)?.fields == [field("b", 2), field("value", 1)])
    }

    @Test func unknownKeysAreIgnoredButValidated() {
        let line = #"{"series":"a","meta":{"x":[1,2,{"y":null}],"s":"\u00e9"},"n":[],"o":{},"value":3}"#
        #expect(decodeOne(line) == record("a", receivedAt, field("value", 3)))
    }

    @Test func whitespaceBetweenTokens() {
        let line = "{ \"series\" :\t\"a\" , \"value\" : 1 ,\"ts\": 5 }\r"
        #expect(decodeOne(line) == record("a", 5, field("value", 1)))
    }

    @Test func stringEscapesIncludingSurrogatePairs() {
        let line = #"{"series":"p\u0075mp\/\"q\"\\\t\u00e9\ud83d\ude00","value":1}"#
        #expect(decodeOne(line)?.seriesKey == "pump/\"q\"\\\t\u{e9}\u{1F600}")
        let escapedKeys = #"{"\u0073eries":"a","f\u0069elds":{"t\u00e9":1}}"#
        #expect(decodeOne(escapedKeys) == record("a", receivedAt, field("t\u{e9}", 1)))
    }

    @Test func rawUTF8IsAccepted() {
        #expect(decodeOne(#"{"series":"pumpe-ü-水-😀","value":1}"#)?.seriesKey == "pumpe-ü-水-😀")
    }

    @Test(arguments: [
        "0", "-0", "1", "0.1", "71.2", "0.031", "1e-7", "1E+22", "1e23", "123456789012345678",
        "0.30000000000000004", "2.2250738585072014e-308", "4.9e-324", "5e-324", "1.7976931348623157e308",
        "0.1000000000000000055511151231257827021181583404541015625", "9007199254740993",
        "1.00000000000000011102230246251565404236316680908203125", "3.141592653589793238462643383279",
        "1e-400", "-1.5e-320", "123.456e-2", "0.000000000000000000000000000001", "8.589973e9",
    ])
    func numbersAreCorrectlyRounded(text: String) throws {
        let value = try #require(decodeOne(#"{"series":"a","value":\#(text)}"#)?.fields.first?.value)
        let expected = try #require(Double(text))
        #expect(value.bitPattern == expected.bitPattern)
    }

    @Test func randomNumbersRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        var lines = ""
        var expected: [Double] = []
        for index in 0..<2000 {
            let value: Double
            switch index % 4 {
            case 0: value = Double.random(in: -1e6...1e6, using: &generator)
            case 1: value = Double(bitPattern: UInt64.random(in: 0...0x7FEF_FFFF_FFFF_FFFF, using: &generator))
            case 2: value = Double(Int.random(in: -99999...99999, using: &generator)) / 1000
            default: value = Double.random(in: 0...1, using: &generator)
            }
            expected.append(value)
            lines += #"{"series":"a","value":\#(value)}"# + "\n"
        }
        let result = decode(lines)
        #expect(result.errors.isEmpty)
        let values = result.records.map { $0.fields[0].value!.bitPattern }
        #expect(values == expected.map(\.bitPattern))
    }

    @Test(arguments: [
        ("2026-11-24T20:00:00Z", 1_795_550_400.0),
        ("2026-11-24T20:00:00.25Z", 1_795_550_400.25),
        ("2026-11-24t20:00:00z", 1_795_550_400.0),
        ("2026-11-24 20:00:00Z", 1_795_550_400.0),
        ("2026-11-24T22:00:00+02:00", 1_795_550_400.0),
        ("2026-11-24T14:30:00-05:30", 1_795_550_400.0),
        ("1970-01-01T00:00:00Z", 0.0),
        ("1969-12-31T23:59:59.5Z", -0.5),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0),
        ("2016-12-31T23:59:60Z", 1_483_228_800.0),
        ("0001-01-01T00:00:00Z", -62_135_596_800.0),
        ("9999-12-31T23:59:59Z", 253_402_300_799.0),
    ])
    func rfc3339Timestamps(text: String, seconds: Double) {
        #expect(decodeOne(#"{"series":"a","ts":"\#(text)","value":1}"#)?.timestamp == seconds)
    }

    @Test func numericTimestampsKeepFractions() {
        #expect(decodeOne(#"{"series":"a","ts":1700000000.123,"value":1}"#)?.timestamp == 1_700_000_000.123)
        #expect(decodeOne(#"{"series":"a","ts":-5,"value":1}"#)?.timestamp == -5)
    }

    @Test func recordsCarryOnlyTheUsableFields() {
        let line = #"{"series":"a","fields":{"s":"x","v":2}}"#
        #expect(decodeOne(line)?.fields == [field("v", 2)])
    }

    @Test func seriesKeyMayBeExactly256Bytes() {
        let key = String(repeating: "k", count: 256)
        #expect(decodeOne(#"{"series":"\#(key)","value":1}"#)?.seriesKey == key)
        #expect(rejectOne(#"{"series":"\#(key)k","value":1}"#)?.reason == .tooLarge)
    }
}
