import Records

/// A line that must be rejected, with the reason and the offset within the line.
struct MalformedLine {
    var bytes: [UInt8]
    var reason: RejectReason
    var offset: Int

    /// `at` names the first byte at fault by the `occurrence`-th appearance of a marker in
    /// the line, moved by `plus`; `nil` means the start of the line and `""` its end.
    init(_ line: String, _ reason: RejectReason, at marker: String? = nil, occurrence: Int = 1, plus: Int = 0) {
        self.init(bytes: Array(line.utf8), reason, at: marker.map { Array($0.utf8) }, occurrence: occurrence, plus: plus)
    }

    init(bytes: [UInt8], _ reason: RejectReason, at marker: [UInt8]? = nil, occurrence: Int = 1, plus: Int = 0) {
        self.bytes = bytes
        self.reason = reason
        guard let marker else {
            offset = 0
            return
        }
        if marker.isEmpty {
            offset = bytes.count + plus
            return
        }
        var found = 0
        var position = -1
        for start in 0...(bytes.count - marker.count) where Array(bytes[start..<start + marker.count]) == marker {
            found += 1
            if found == occurrence {
                position = start
                break
            }
        }
        precondition(position >= 0, "marker not in line")
        offset = position + plus
    }
}

/// Builds `prefix + [byte] + suffix` as bytes, for invalid UTF-8.
func bytes(_ prefix: String, _ raw: [UInt8], _ suffix: String) -> [UInt8] {
    Array(prefix.utf8) + raw + Array(suffix.utf8)
}

enum MalformedCorpus {
    static let jsonExamples = [
        #"{"series":"pump-7","ts":1700000000.5,"value":0.42}"#,
        #"{"series":"pump-7","ts":"2026-11-24T20:00:00Z","fields":{"temp":71.2,"vibration":0.031},"tags":{"site":"a"}}"#,
    ]

    /// Every proper prefix of the JSON examples: truncated, so malformed where it ends.
    static var jsonTruncations: [MalformedLine] {
        jsonExamples.flatMap { line in
            (1..<line.utf8.count).map { MalformedLine(String(decoding: Array(line.utf8)[..<$0], as: UTF8.self), .malformed, at: "") }
        }
    }

    static var json: [MalformedLine] {
        let deep = #"{"series":"a","x":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + #","value":1}"#
        let longSeries = #"{"series":""# + String(repeating: "k", count: 257) + #"","value":1}"#
        let longKeyWithTags = #"{"series":""# + String(repeating: "k", count: 251) + #"","tags":{"kk":"vv"},"value":1}"#
        let longFieldName = #"{"series":"a","fields":{""# + String(repeating: "f", count: 257) + #"":1}}"#
        let tooManyFields = #"{"series":"a","fields":{"# + (0...64).map { #""f\#($0)":1"# }.joined(separator: ",") + "}}"
        let megabyte = #"{"series":"a","value":1,"pad":""# + String(repeating: "x", count: 1 << 20) + #""}"#
        return [
            MalformedLine("{}", .malformed),
            MalformedLine(#"{"value":1}"#, .malformed),
            MalformedLine(#"{"series":"","value":1}"#, .malformed, at: #""""#),
            MalformedLine(#"{"series":1,"value":1}"#, .malformed, at: "1,"),
            MalformedLine(#"{"series":null,"value":1}"#, .malformed, at: "null"),
            MalformedLine(#"{"series":["a"],"value":1}"#, .malformed, at: "["),
            MalformedLine(#"{"series":"a","series":"b","value":1}"#, .malformed, at: #""series""#, occurrence: 2),
            MalformedLine(#"{"series":"a","value":1,"value":2}"#, .malformed, at: #""value""#, occurrence: 2),
            MalformedLine(#"{"series":"a","ts":1,"ts":2,"value":1}"#, .malformed, at: #""ts""#, occurrence: 2),
            MalformedLine(#"{"series":"a","fields":{"x":1},"fields":{"y":1}}"#, .malformed, at: #""fields""#, occurrence: 2),
            MalformedLine(#"{"series":"a","tags":{},"tags":{},"value":1}"#, .malformed, at: #""tags""#, occurrence: 2),
            MalformedLine(#"{"series":"a","fields":{"x":1,"x":2}}"#, .malformed, at: #""x""#, occurrence: 2),
            MalformedLine(#"{"series":"a","value":1,"fields":{"value":2}}"#, .malformed, at: #""value""#, occurrence: 2),
            MalformedLine(#"{"series":"a","tags":{"k":"1","k":"2"},"value":1}"#, .malformed),
            MalformedLine(#"{"series":"a","fields":{}}"#, .noFields),
            MalformedLine(#"{"series":"a"}"#, .noFields),
            MalformedLine(#"{"series":"a","fields":{"s":"x"}}"#, .noFields),
            MalformedLine(#"{"series":"a","value":"1"}"#, .noFields),
            MalformedLine(#"{"series":"a","ts":1,"other":2}"#, .noFields),
            MalformedLine(#"{"series":"a","value":1e400}"#, .malformed, at: "1e400"),
            MalformedLine(#"{"series":"a","value":-1e400}"#, .malformed, at: "-1e400"),
            MalformedLine(#"{"series":"a","fields":{"x":123456789e999999999999}}"#, .malformed, at: "1234"),
            MalformedLine(#"{"series":"a","value":NaN}"#, .malformed, at: "NaN"),
            MalformedLine(#"{"series":"a","value":nan}"#, .malformed, at: "nan"),
            MalformedLine(#"{"series":"a","value":Infinity}"#, .malformed, at: "Infinity"),
            MalformedLine(#"{"series":"a","value":-Infinity}"#, .malformed, at: "Infinity"),
            MalformedLine(#"{"series":"a","value":01}"#, .malformed, at: "1}"),
            MalformedLine(#"{"series":"a","value":1.}"#, .malformed, at: ".}", plus: 1),
            MalformedLine(#"{"series":"a","value":.5}"#, .malformed, at: ".5"),
            MalformedLine(#"{"series":"a","value":+1}"#, .malformed, at: "+1"),
            MalformedLine(#"{"series":"a","value":1e}"#, .malformed, at: "e}", plus: 1),
            MalformedLine(#"{"series":"a","value":1e+}"#, .malformed, at: "+}", plus: 1),
            MalformedLine(#"{"series":"a","value":-}"#, .malformed, at: "-}", plus: 1),
            MalformedLine(#"{"series":"a","value":0x10}"#, .malformed, at: "x10"),
            MalformedLine(#"{"series":"a","value":[1]}"#, .malformed, at: "[1]"),
            MalformedLine(#"{"series":"a","value":{"x":1}}"#, .malformed, at: #"{"x""#),
            MalformedLine(#"{"series":"a","fields":{"x":[1]}}"#, .malformed, at: "[1]"),
            MalformedLine(#"{"series":"a","fields":[1]}"#, .malformed, at: "[1]"),
            MalformedLine(#"{"series":"a","fields":1}"#, .malformed, at: "1}"),
            MalformedLine(#"{"series":"a","tags":{"k":1},"value":1}"#, .malformed, at: "1}"),
            MalformedLine(#"{"series":"a","tags":{"k":""},"value":1}"#, .malformed, at: #""""#),
            MalformedLine(#"{"series":"a","tags":{"":"v"},"value":1}"#, .malformed, at: #""""#),
            MalformedLine(#"{"series":"a","tags":"k=v","value":1}"#, .malformed, at: #""k=v""#),
            MalformedLine(#"{"series":"a","fields":{"":1}}"#, .malformed, at: #""""#),
            MalformedLine(#"{"series":"a","ts":"yesterday","value":1}"#, .badTimestamp, at: #""yesterday""#),
            MalformedLine(#"{"series":"a","ts":"2026-13-01T00:00:00Z","value":1}"#, .badTimestamp, at: #""2026"#),
            MalformedLine(#"{"series":"a","ts":"2026-02-29T00:00:00Z","value":1}"#, .badTimestamp, at: #""2026"#),
            MalformedLine(#"{"series":"a","ts":"2026-11-31T00:00:00Z","value":1}"#, .badTimestamp, at: #""2026"#),
            MalformedLine(#"{"series":"a","ts":"2026-11-24T24:00:00Z","value":1}"#, .badTimestamp, at: #""2026"#),
            MalformedLine(#"{"series":"a","ts":"2026-11-24T20:60:00Z","value":1}"#, .badTimestamp, at: #""2026"#),
            MalformedLine(#"{"series":"a","ts":"2026-11-24T20:00:00","value":1}"#, .badTimestamp, at: #""2026"#),
            MalformedLine(#"{"series":"a","ts":"2026-11-24T20:00:00+2:00","value":1}"#, .badTimestamp, at: #""2026"#),
            MalformedLine(#"{"series":"a","ts":"2026-11-24T20:00:00.Z","value":1}"#, .badTimestamp, at: #""2026"#),
            MalformedLine(#"{"series":"a","ts":"2026-11-24T20:00:00Z ","value":1}"#, .badTimestamp, at: #""2026"#),
            MalformedLine(#"{"series":"a","ts":"2026-11-24","value":1}"#, .badTimestamp, at: #""2026"#),
            MalformedLine(#"{"series":"a","ts":"","value":1}"#, .badTimestamp, at: #""""#),
            MalformedLine(#"{"series":"a","ts":1700000000000,"value":1}"#, .badTimestamp, at: "1700000000000"),
            MalformedLine(#"{"series":"a","ts":1e400,"value":1}"#, .badTimestamp, at: "1e400"),
            MalformedLine(#"{"series":"a","ts":-1e12,"value":1}"#, .badTimestamp, at: "-1e12"),
            MalformedLine(#"{"series":"a","ts":true,"value":1}"#, .badTimestamp, at: "true"),
            MalformedLine(#"{"series":"a","ts":[1],"value":1}"#, .badTimestamp, at: "[1]"),
            MalformedLine(#"{"series":"a","ts":{},"value":1}"#, .badTimestamp, at: "{}"),
            MalformedLine(#"{"series":"a","value":1} x"#, .malformed, at: "x"),
            MalformedLine(#"{"series":"a","value":1}}"#, .malformed, at: "}}", plus: 1),
            MalformedLine(#"{"series":"a" "value":1}"#, .malformed, at: #""value""#),
            MalformedLine(#"{"series":"a",,"value":1}"#, .malformed, at: ",,", plus: 1),
            MalformedLine(#"{"series":"a","value":1,}"#, .malformed, at: ",}", plus: 1),
            MalformedLine(#"{"series":"a","value"1}"#, .malformed, at: "1}"),
            MalformedLine(#"{series:"a","value":1}"#, .malformed, at: "series"),
            MalformedLine(#"{'series':'a','value':1}"#, .malformed, at: "'"),
            MalformedLine(#"["series","a"]"#, .malformed),
            MalformedLine(#"{"series":"a","value":tru}"#, .malformed, at: "tru"),
            MalformedLine(#"{"series":"a","value":nul}"#, .malformed, at: "nul"),
            MalformedLine(#"{"series":"a","value":True}"#, .malformed, at: "True"),
            MalformedLine(#"{"series":"a\x","value":1}"#, .malformed, at: #"\x"#),
            MalformedLine(#"{"series":"a\u12","value":1}"#, .malformed, at: #"\u12"#),
            MalformedLine(#"{"series":"a\uZZZZ","value":1}"#, .malformed, at: #"\uZZZZ"#),
            MalformedLine(#"{"series":"\ud800","value":1}"#, .malformed, at: #"\ud800"#),
            MalformedLine(#"{"series":"\udc00x","value":1}"#, .malformed, at: #"\udc00"#),
            MalformedLine(#"{"series":"\ud800\u0041","value":1}"#, .malformed, at: #"\ud800"#),
            MalformedLine(#"{"series":"\ud83d\ud83d","value":1}"#, .malformed, at: #"\ud83d"#),
            MalformedLine("{\"series\":\"a\tb\",\"value\":1}", .malformed, at: "\t"),
            MalformedLine("{\"series\":\"a\u{1}b\",\"value\":1}", .malformed, at: "\u{1}"),
            MalformedLine(deep, .malformed, at: "[", plus: 64),
            MalformedLine(#"{"series":"a","x":{"y":},"value":1}"#, .malformed, at: ":}", plus: 1),
            MalformedLine(#"{"series":"a","x":[1,],"value":1}"#, .malformed, at: ",]", plus: 1),
            MalformedLine(#"{"series":"a","x":[1 2],"value":1}"#, .malformed, at: "2]"),
            MalformedLine(#"{"series":"a","x":{"y" 1},"value":1}"#, .malformed, at: "1}"),
            MalformedLine(#"{"series":"a","x":{1:2},"value":1}"#, .malformed, at: "1:"),
            MalformedLine(#"{"series":"a","x":[}],"value":1}"#, .malformed, at: "}]"),
            MalformedLine(#"{"series":"a","x":"\q","value":1}"#, .malformed, at: #"\q"#),
            MalformedLine(longSeries, .tooLarge),
            MalformedLine(longKeyWithTags, .tooLarge),
            MalformedLine(longFieldName, .tooLarge, at: "{\"f", plus: 1),
            MalformedLine(tooManyFields, .tooLarge, at: #""f64""#),
            MalformedLine(megabyte, .tooLarge),
            MalformedLine(bytes: bytes(#"{"series":"a"#, [0xFF], #"","value":1}"#), .malformed, at: [0xFF]),
            MalformedLine(bytes: bytes(#"{"series":"a"#, [0xC0, 0x80], #"","value":1}"#), .malformed, at: [0xC0]),
            MalformedLine(bytes: bytes(#"{"series":"a"#, [0xED, 0xA0, 0x80], #"","value":1}"#), .malformed, at: [0xED]),
            MalformedLine(bytes: bytes(#"{"series":"a"#, [0xF4, 0x90, 0x80, 0x80], #"","value":1}"#), .malformed, at: [0xF4]),
            MalformedLine(bytes: bytes(#"{"series":"a"#, [0xE2, 0x82], #"","value":1}"#), .malformed, at: [0xE2]),
            MalformedLine(bytes: bytes(#"{"series":"a"#, [0x80], #"","value":1}"#), .malformed, at: [0x80]),
            MalformedLine(bytes: bytes(#"{"series":"a","fields":{"t"#, [0xFE], #"":1}}"#), .malformed, at: [0xFE]),
            MalformedLine(bytes: bytes(#"{"series":"a","note":""#, [0xF8, 0x88, 0x80, 0x80, 0x80], #"","value":1}"#), .malformed, at: [0xF8]),
            MalformedLine(bytes: bytes(#"{"series":"a","value":1}"#, [0xFF], ""), .malformed, at: [0xFF]),
        ]
    }

    static var influx: [MalformedLine] {
        let longMeasurement = String(repeating: "m", count: 257) + " f=1"
        let longFieldName = "m " + String(repeating: "f", count: 257) + "=1"
        let tooManyFields = "m " + (0...64).map { "f\($0)=1" }.joined(separator: ",")
        return [
            MalformedLine("m", .malformed, at: ""),
            MalformedLine("m,t=a", .malformed, at: ""),
            MalformedLine("m,t=a  ", .malformed, at: "", plus: -2),
            MalformedLine("m,t f=1", .malformed, at: " "),
            MalformedLine("m,=a f=1", .malformed, at: "="),
            MalformedLine("m,t= f=1", .malformed, at: " "),
            MalformedLine("m,t=a=b f=1", .malformed, at: "=b"),
            MalformedLine("m,t=a,t=b f=1", .malformed),
            MalformedLine("m, f=1", .malformed, at: " "),
            MalformedLine(",t=a f=1", .malformed),
            MalformedLine("m f", .malformed, at: ""),
            MalformedLine("m f=", .malformed, at: ""),
            MalformedLine("m =1", .malformed, at: "="),
            MalformedLine("m f=1,", .malformed, at: ""),
            MalformedLine("m f=1,,g=2", .malformed, at: ",,", plus: 1),
            MalformedLine("m f=abc", .malformed, at: "abc"),
            MalformedLine("m f=1.2.3", .malformed, at: ".3"),
            MalformedLine("m f=1x", .malformed, at: "x"),
            MalformedLine("m f=12i3", .malformed, at: "i3"),
            MalformedLine("m f=9223372036854775808i", .malformed, at: "9"),
            MalformedLine("m f=-9223372036854775809i", .malformed, at: "-"),
            MalformedLine("m f=99999999999999999999999i", .malformed, at: "9"),
            MalformedLine("m f=-1u", .malformed, at: "-"),
            MalformedLine("m f=18446744073709551616u", .malformed, at: "1"),
            MalformedLine("m f=1.5i", .malformed, at: "1"),
            MalformedLine("m f=i", .malformed, at: "i"),
            MalformedLine("m f=tru", .malformed, at: "tru"),
            MalformedLine("m f=tRUE", .malformed, at: "tRUE"),
            MalformedLine("m f=yes", .malformed, at: "yes"),
            MalformedLine("m f=1e999", .malformed, at: "1e999"),
            MalformedLine("m f=-1e999", .malformed, at: "-1e999"),
            MalformedLine(#"m f="abc"#, .malformed, at: ""),
            MalformedLine(#"m f="a\""#, .malformed, at: ""),
            MalformedLine(#"m f="a"b"#, .malformed, at: "b"),
            MalformedLine(#"m f="x""#, .noFields),
            MalformedLine(#"m,t=1 f="x",g="y" 123"#, .noFields),
            MalformedLine("m f=1 12a", .badTimestamp, at: "12a"),
            MalformedLine("m f=1 1.5", .badTimestamp, at: "1.5"),
            MalformedLine("m f=1 123 456", .badTimestamp, at: "123"),
            MalformedLine("m f=1 99999999999999999999", .badTimestamp, at: "9"),
            MalformedLine("m f=1 9223372036854775808", .badTimestamp, at: "9"),
            MalformedLine("m f=1 -", .badTimestamp, at: "-"),
            MalformedLine("m f=1,f=2", .malformed, at: "f=2"),
            MalformedLine("m f\\ x=1,f\\ x=2", .malformed, at: "f\\ x=2"),
            MalformedLine(longMeasurement, .tooLarge),
            MalformedLine(longFieldName, .tooLarge, at: "f"),
            MalformedLine(tooManyFields, .tooLarge, at: "f64"),
            MalformedLine("m\u{1} f=1", .malformed, at: "\u{1}"),
            MalformedLine("m,t=a\u{7F} f=1", .malformed, at: "\u{7F}"),
            MalformedLine(bytes: bytes("m", [0xFF], " f=1"), .malformed, at: [0xFF]),
            MalformedLine(bytes: bytes("m,t=", [0xC3], " f=1"), .malformed, at: [0xC3]),
            MalformedLine(bytes: bytes("m f", [0xE0, 0x80, 0x80], "=1"), .malformed, at: [0xE0]),
            MalformedLine(bytes: bytes("m s=\"", [0xBF], "\",f=1"), .malformed, at: [0xBF]),
        ]
    }

    /// Lines for `auto`, which mostly land in Graphite.
    static var auto: [MalformedLine] {
        [
            MalformedLine("a.b 1 x", .badTimestamp, at: "x"),
            MalformedLine("a.b 1 1e400", .badTimestamp, at: "1e400"),
            MalformedLine("a.b 1 nan", .badTimestamp, at: "nan"),
            MalformedLine("a.b 1 1700000000000", .badTimestamp, at: "17"),
            MalformedLine("a.b 1 -2e11", .badTimestamp, at: "-2e11"),
            MalformedLine("a.b 1e400 5", .malformed, at: "1e400"),
            MalformedLine("a.b\t1e400", .malformed, at: "1e400"),
            MalformedLine(bytes: bytes("a", [0xFF], ".b 1 5"), .malformed, at: [0xFF]),
            MalformedLine("a.b\u{1} 1 5", .malformed, at: "\u{1}"),
            MalformedLine(String(repeating: "p", count: 257) + " 1 5", .tooLarge),
            MalformedLine("cpu", .malformed, at: ""),
            MalformedLine("cpu x", .malformed, at: ""),
            MalformedLine("cpu 1 2 3", .malformed, at: " ", occurrence: 2),
            MalformedLine("{cpu 1 2}", .malformed, at: "c"),
        ]
    }
}
