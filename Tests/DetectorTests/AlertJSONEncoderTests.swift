import Foundation
import Testing
@testable import Detector

private func specExample(series: String = "pump-7", value: Double = 98.1) -> AlertMessage {
    AlertMessage(
        event: AlertEvent(
            state: .open, episodeID: "9f3c2a1b7d4e5f60", time: 1_700_000_060, score: 14.2, threshold: 9.7,
            severity: 1.46, anomalyScore: 0.99999994, window: AlertWindow(start: 1_699_992_860, end: 1_700_000_060, points: 120)),
        series: series, group: "pumps", reconstructionNLL: 812.3, reconstructionScore: 11.0,
        latentDistance: 6.1, latentScore: 3.2,
        fields: [.init(name: "temp", contribution: 0.83, value: value, expected: 71.0)],
        model: .init(version: 7, trainedAt: "2026-11-24T19:00:00Z"), host: "web-3")
}

@Test func encodesTheSpecExampleByteForByte() {
    var encoder = AlertJSONEncoder()
    encoder.encode(specExample())
    let expected = #"{"kind":"anomaly","state":"open","id":"9f3c2a1b7d4e5f60","series":"pump-7","group":"pumps","#
        + #""ts":1700000060.0,"window":{"start":1699992860.0,"end":1700000060.0,"points":120},"#
        + #""score":14.2,"threshold":9.7,"severity":1.46,"anomaly_score":0.99999994,"#
        + #""reconstruction":{"nll":812.3,"score":11.0},"latent":{"distance":6.1,"score":3.2},"#
        + #""fields":[{"name":"temp","contribution":0.83,"value":98.1,"expected":71.0}],"#
        + #""model":{"version":7,"trained_at":"2026-11-24T19:00:00Z"},"host":"web-3"}"#
    #expect(String(decoding: encoder.bytes, as: UTF8.self) == expected)
}

@Test func escapesStringsAndWritesNonFiniteNumbersAsNull() throws {
    var encoder = AlertJSONEncoder()
    encoder.encode(specExample(series: "a\"b\\c\nd\t\u{01}é", value: .nan))
    let text = String(decoding: encoder.bytes, as: UTF8.self)
    #expect(text.contains(#""series":"a\"b\\c\nd\t\u0001é""#))
    #expect(text.contains(#""value":null"#))
    // And it is valid JSON that reads back the same strings.
    let object = try #require(try JSONSerialization.jsonObject(with: Data(encoder.bytes)) as? [String: Any])
    #expect(object["series"] as? String == "a\"b\\c\nd\t\u{01}é")
}

@Test func theBufferIsReusedAcrossMessages() {
    var encoder = AlertJSONEncoder()
    encoder.encode(specExample(series: String(repeating: "x", count: 300)))
    let capacity = encoder.bytes.capacity
    encoder.encode(specExample())
    #expect(encoder.bytes.capacity == capacity)
    #expect(encoder.bytes.first == UInt8(ascii: "{") && encoder.bytes.last == UInt8(ascii: "}"))
}

@Test func integersAndShortestNumbers() {
    var out: [UInt8] = []
    AlertJSONEncoder.appendInteger(-9_223_372_036_854_775_807, to: &out)
    out.append(UInt8(ascii: " "))
    AlertJSONEncoder.appendInteger(0, to: &out)
    out.append(UInt8(ascii: " "))
    AlertJSONEncoder.appendNumber(1e-5, to: &out)
    out.append(UInt8(ascii: " "))
    AlertJSONEncoder.appendNumber(-.infinity, to: &out)
    #expect(String(decoding: out, as: UTF8.self) == "-9223372036854775807 0 1e-05 null")
}
