import Detector
import Foundation
import Testing
@testable import Offline

@Test func writtenTimestampsReadBackExactly() {
    for seconds in [0, 1_396_310_400, 1_396_310_700.25, 951_825_600, -86_400.5, 253_402_300_799] as [Double] {
        let text = CSVFormat.timestamp(seconds)
        #expect(TimestampParser.seconds(from: text) == seconds, "\(seconds) → \(text)")
    }
    #expect(CSVFormat.timestamp(1_396_310_400) == "2014-04-01 00:00:00")
    #expect(CSVFormat.timestamp(1_396_310_400.5) == "2014-04-01 00:00:00.500000")
}

@Test func scoresArePlainDecimalsWithTwelveDigits() {
    #expect(CSVFormat.decimal(0) == "0" && CSVFormat.decimal(-1) == "0")
    #expect(CSVFormat.decimal(1) == "1" && CSVFormat.decimal(2) == "1")
    #expect(CSVFormat.decimal(0.5) == "0.5")
    #expect(CSVFormat.decimal(0.123_456_789_012_345) == "0.123456789012")
    #expect(CSVFormat.decimal(1e-20) == "0")
    #expect(CSVFormat.quoted("a,b") == "\"a,b\"" && CSVFormat.quoted("say \"x\"") == "\"say \"\"x\"\"\"")
}

@Test func recordLinesAreJSONTheDaemonReads() throws {
    let table = CSVTable(timeColumn: "timestamp", fieldNames: ["temp", "a\"b"], timestamps: [1_700_000_000.5],
                         values: [71.25, .nan])
    let lines = RecordLines(table, series: "pump\n7")
    #expect(lines.count == 1)
    var bytes: [UInt8] = []
    lines.append(0, to: &bytes)
    #expect(bytes.last == UInt8(ascii: "\n") && bytes.filter { $0 == UInt8(ascii: "\n") }.count == 1)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    #expect(object["series"] as? String == "pump\n7" && object["ts"] as? Double == 1_700_000_000.5)
    let fields = try #require(object["fields"] as? [String: Any])
    #expect(fields["temp"] as? Double == 71.25 && fields["a\"b"] is NSNull)
}

/// A table through the offline detector: one result per row, no score before the first full
/// window, and the written results have one line per row after the header.
@Test func offlineDetectionGivesOneResultPerRow() throws {
    let rows = 600
    let table = CSVTable(timeColumn: "timestamp", fieldNames: ["value"],
                         timestamps: (0..<rows).map { 1_700_000_000 + Double($0) * 60 },
                         values: (0..<rows).map { sin(Double($0) / 5) + ($0 == 500 ? 8 : 0) })
    var group = GroupConfiguration()
    group.window = 16
    group.vae.hidden = [16]
    group.vae.latent = 2
    group.training.minWindows = 200
    group.training.minHistory = 1
    group.training.epochs = 5
    var progress: [Int] = []
    let results = try OfflineDetector(group: group).run(table) { progress.append($0) }
    #expect(progress == Array(1...rows))
    #expect(results.scores.count == rows && results.alerts.count == rows)
    #expect(results.scores[0..<15].allSatisfy { $0 == 0 } && results.results[0..<15].allSatisfy { $0 == nil })
    #expect(results.results[15...].allSatisfy { $0 != nil })
    #expect(results.scores.allSatisfy { $0 >= 0 && $0 <= 1 })
    #expect(results.scores[500] > 0.5, "the spike at row 500")
    let text = ResultsCSV.detection(table, results)
    let lines = text.split(separator: "\n")
    #expect(lines.count == rows + 1 && lines[0] == "timestamp,value,anomaly_score,alert")
    #expect(lines[1] == "2023-11-14 22:13:20,0.0,0,0")
    // And back: the results file reads as a table with the score and alert columns.
    let back = try CSVReader().parse(text)
    #expect(back.timestamps == table.timestamps)
    #expect(back.column(named: "anomaly_score")?.count == rows && back.column(named: "alert")?.count == rows)
}
