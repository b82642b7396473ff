import Foundation
import Testing
@testable import Offline

@Test func readsNABStyleCommaSeparatedFilesWithCRLF() throws {
    let table = try CSVReader().parse("timestamp,value\r\n2014-04-01 00:00:00,20.5\r\n2014-04-01 00:05:00,21\r\n")
    #expect(table.timeColumn == "timestamp")
    #expect(table.fieldNames == ["value"])
    #expect(table.timestamps == [1_396_310_400, 1_396_310_700])
    #expect(table.values == [20.5, 21])
}

@Test func readsSKABStyleSemicolonFilesAndKeepsExcludedColumnsAside() throws {
    let text = """
        datetime;Accelerometer1RMS;Current;anomaly;changepoint
        2020-03-09 10:14:33;0.0265878;1.3302;0.0;0.0
        2020-03-09 10:14:34;0.0261697;;1.0;0.0
        """
    let table = try CSVReader(exclude: ["anomaly", "changepoint"]).parse(text)
    #expect(table.fieldNames == ["Accelerometer1RMS", "Current"])
    #expect(table.rowCount == 2)
    #expect(table.row(1).first == 0.0261697)
    #expect(table.row(1).last!.isNaN)  // an empty cell is missing
    #expect(table.column(named: "anomaly") == [0, 1])
    #expect(table.lineNumbers == [2, 3])
}

@Test func fieldsSelectColumnsInTheirOrderAndTextColumnsAreSkipped() throws {
    let text = """
        id,timestamp,b,a,host
        1,1700000000,2,3,web-1
        2,1700000060.5,4,5,web-2
        """
    let all = try CSVReader().parse(text)
    #expect(all.fieldNames == ["id", "b", "a"])  // host is not numeric
    let selected = try CSVReader(fields: ["a", "b"]).parse(text)
    #expect(selected.fieldNames == ["a", "b"])
    #expect(selected.values == [3, 2, 5, 4])
    #expect(selected.timestamps == [1_700_000_000, 1_700_000_060.5])
}

/// The hint every bad-number message ends with.
private let missing = " (a missing value is an empty cell, nan or null)"

@Test func errorsNameTheLineAndColumn() {
    #expect(throws: CSVError(line: 3, message: "column 'timestamp': cannot read 'yesterday' as a time")) {
        try CSVReader().parse("timestamp,value\n2014-04-01 00:00:00,1\nyesterday,2\n")
    }
    #expect(throws: CSVError(line: 2, message: "expected 2 columns, found 3")) {
        try CSVReader().parse("timestamp,value\n1,2,3\n")
    }
    #expect(throws: CSVError(line: 1, message: "no time column: expected one named timestamp or datetime")) {
        try CSVReader().parse("time,value\n1,2\n")
    }
    #expect(throws: CSVError(line: 1, message: "field column 'speed' is not in the header")) {
        try CSVReader(fields: ["speed"]).parse("timestamp,value\n1,2\n")
    }
    #expect(throws: CSVError(line: 3, message: "column 'host': 'web-1' is not a number" + missing)) {
        try CSVReader(fields: ["host"]).parse("timestamp,host\n1,\n2,web-1\n")
    }
    #expect(throws: CSVError(line: 1, message: "no numeric field columns")) {
        try CSVReader().parse("timestamp,host\n1,web-1\n")
    }
}

@Test func quotedCellsMayHoldTheSeparator() throws {
    let table = try CSVReader().parse("timestamp,\"value, in °C\"\n\"2014-04-01T00:00:00Z\",\"1.5\"\n")
    #expect(table.fieldNames == ["value, in °C"])
    #expect(table.values == [1.5])
}

@Test func timestampsInEveryAcceptedForm() {
    #expect(TimestampParser.seconds(from: "1970-01-01 00:00:00") == 0)
    #expect(TimestampParser.seconds(from: "2014-04-10 07:15:00.000000") == 1_397_114_100)
    #expect(TimestampParser.seconds(from: "2014-04-10T07:15:00.25Z") == 1_397_114_100.25)
    #expect(TimestampParser.seconds(from: "2014-04-10T09:15:00+02:00") == 1_397_114_100)
    #expect(TimestampParser.seconds(from: "2014-04-10 07:15") == 1_397_114_100)
    #expect(TimestampParser.seconds(from: "2014-04-10") == 1_397_088_000)
    #expect(TimestampParser.seconds(from: "1700000000.5") == 1_700_000_000.5)
    #expect(TimestampParser.seconds(from: "2000-02-29 12:00:00") == 951_825_600)
    #expect(TimestampParser.seconds(from: "2014-13-01 00:00:00") == nil)
    #expect(TimestampParser.seconds(from: "2014-04-10 07:15:00 junk") == nil)
    #expect(TimestampParser.seconds(from: "") == nil)
}

@Test func emptyAndHeaderOnlyFilesAreErrors() {
    #expect(throws: CSVError(line: 0, message: "the file is empty: expected a header row, then one row per time")) {
        try CSVReader().parse("")
    }
    #expect(throws: CSVError(line: 0, message: "the file is empty: expected a header row, then one row per time")) {
        try CSVReader().parse("\n  \n")
    }
    #expect(throws: CSVError(line: 1, message: "a header and no data rows")) {
        try CSVReader().parse("timestamp,value\n")
    }
}

/// A cell that is not a number in a column of numbers names its line, column and cause, wherever
/// in the column it is; a column of text is still no field, and an excluded column is not read.
@Test func aBadCellInANumericColumnIsAnError() throws {
    #expect(throws: CSVError(line: 3, message: "column 'value': 'abc' is not a number" + missing)) {
        try CSVReader().parse("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,abc\n2014-04-01 00:10:00,3\n")
    }
    #expect(throws: CSVError(line: 2, message: "column 'b': 'x' is not a number" + missing)) {
        try CSVReader().parse("timestamp,a,b\n1,1,x\n2,1,2\n")
    }
    let table = try CSVReader(exclude: ["b"]).parse("timestamp,a,b,host\n1,1,x,web-1\n2,1,2,web-2\n")
    #expect(table.fieldNames == ["a"])
    #expect(table.otherColumns.isEmpty)  // b is not numeric throughout, so it is not kept aside either
}

@Test func timeMustNotGoBackwards() throws {
    let message = "column 'timestamp': 2014-04-01 00:05:00 is earlier than 2014-04-01 00:10:00 on line 3:"
        + " rows must be in ascending time order (sort the file by time first)"
    #expect(throws: CSVError(line: 4, message: message)) {
        try CSVReader().parse("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:10:00,2\n2014-04-01 00:05:00,3\n")
    }
    // Equal times are kept: the detector drops the duplicate as the daemon does.
    let table = try CSVReader().parse("timestamp,value\n1700000000,1\n1700000000,2\n1700000060,3\n")
    #expect(table.timestamps == [1_700_000_000, 1_700_000_000, 1_700_000_060])
}

/// Epoch numbers in ms, µs or ns read as the same times as in seconds: the first decides the unit.
@Test func epochUnitsAreRecognisedByTheFirstValue() throws {
    let seconds: [Double] = [1_700_000_000, 1_700_000_060.5, 1_700_000_120]
    for (unit, scale) in [(EpochUnit.seconds, 1.0), (.milliseconds, 1e3), (.microseconds, 1e6), (.nanoseconds, 1e9)] {
        let rows = seconds.map { String(format: "%.0f,1", $0 * scale) }.joined(separator: "\n")
        let text = "timestamp,value\n" + (unit == .seconds ? "1700000000,1\n1700000060.5,1\n1700000120,1" : rows)
        let table = try CSVReader().parse(text)
        #expect(table.epochUnit == unit)
        #expect(zip(table.timestamps, seconds).allSatisfy { abs($0 - $1) < 1e-6 }, "\(unit): \(table.timestamps)")
    }
    #expect(EpochUnit(firstValue: 99_999_999_999) == .seconds && EpochUnit(firstValue: 1e11) == .milliseconds)
    #expect(EpochUnit(firstValue: 1e14) == .microseconds && EpochUnit(firstValue: 1e17) == .nanoseconds)
    #expect(try CSVReader().parse("datetime;v\n2020-03-09 10:14:33;1\n").epochUnit == nil)
    // A later value in another unit is out of range in the file's unit.
    #expect(throws: CSVError(line: 3, message: "column 'timestamp': 1700000060000000 is not a time in seconds since"
                             + " the epoch, this file's unit (decided by its first epoch number's magnitude)")) {
        try CSVReader().parse("timestamp,value\n1700000000,1\n1700000060000000,2\n")
    }
}

/// A value beyond Float range (finite as a Double) would become infinite in the detector's
/// windows: the input is refused with its line, column and cause; 3.4e38 itself is in range.
@Test func aValueBeyondFloatRangeIsAnError() throws {
    #expect(throws: CSVError(line: 3, message: "column 'value': -1e+39 is beyond the range of a 32-bit float"
        + " (±3.4e38), which the detector's windows are kept in")) {
        try CSVReader().parse("timestamp,value\n1,1\n2,-1e39\n3,3\n")
    }
    let table = try CSVReader().parse("timestamp,value\n1,3.4e38\n2,inf\n")
    #expect(table.values[0] == 3.4e38)
    #expect(table.values[1].isNaN)  // inf is a missing value, as in Influx
}
