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
    #expect(throws: CSVError(line: 3, message: "field column 'host': 'web-1' is not a number")) {
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
