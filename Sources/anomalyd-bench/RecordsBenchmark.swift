import Records

/// `anomalyd-bench records`: how many records per second one core decodes, per format,
/// for the example records of docs/DESIGN.md §3 packed into a large payload that is parsed again
/// and again for about a second.
func runRecordsBenchmark() {
    let json = [
        #"{"series":"pump-7","ts":1700000000.5,"value":0.42}"#,
        #"{"series":"pump-7","ts":"2026-11-24T20:00:00Z","fields":{"temp":71.2,"vibration":0.031},"tags":{"site":"a"}}"#,
    ]
    let influx = ["pump-7,site=a temp=71.2,vibration=0.031 1700000000000000000"]
    let graphite = ["servers.web1.cpu 0.42 1700000000"]
    measureParsing(name: "records.json.parse", lines: json, format: .json)
    measureParsing(name: "records.influx.parse", lines: influx, format: .influx)
    measureParsing(name: "records.graphite.parse", lines: graphite, format: .graphite)
}

/// Parses a payload of `lines` repeated to 100,000 records until a second has passed and
/// prints the rate.
private func measureParsing(name: String, lines: [String], format: RecordFormat) {
    let recordsPerPayload = 100_000
    var payload: [UInt8] = []
    for index in 0..<recordsPerPayload {
        payload += lines[index % lines.count].utf8
        payload.append(UInt8(ascii: "\n"))
    }
    var parser = RecordParser(format: format)
    var checksum = 0.0
    var decoded = 0
    var rejected = 0
    let clock = ContinuousClock()
    let start = clock.now
    var elapsed = Duration.zero
    payload.withUnsafeBytes { bytes in
        repeat {
            parser.parse(bytes) { record in
                decoded += 1
                checksum += record.fields.rawValue(at: 0) + (record.timestamp ?? 0)
                checksum += Double(record.seriesKey.count)
            } onReject: { _ in
                rejected += 1
            }
            elapsed = clock.now - start
        } while elapsed < .seconds(1)
    }
    precondition(rejected == 0 && checksum.isFinite, "benchmark payload must decode")
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    print("\(name) \(Int((Double(decoded) / seconds).rounded())) records/s")
}
