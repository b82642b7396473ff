import Foundation
import Testing

/// Every bad input the real binary is given ends in exit 1 and one line on stderr that says what
/// is wrong — never exit 0 with empty or wrong output.
@Suite struct BadInputTests {
    /// Runs `arguments`, expects exit 1 with one stderr line containing every one of `needles`.
    private func expectFailure(_ arguments: [String], _ needles: String..., timeout: Duration = .seconds(60),
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try AnomalydProcess.run(arguments, timeout: timeout)
        #expect(result.status == 1, "\(arguments): \(result.status) \(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        for needle in needles {
            #expect(result.stderr.contains(needle), "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        }
        #expect(result.stdout.isEmpty, "\(arguments): \(result.stdout)", sourceLocation: sourceLocation)
    }

    private func write(_ text: String, _ name: String, in directory: TemporaryDirectory) throws -> String {
        let path = directory.path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func emptyAndHeaderOnlyCSVFilesAreErrors() throws {
        let directory = try TemporaryDirectory()
        try expectFailure(["detect", try write("", "empty.csv", in: directory)], "detect: the file is empty")
        try expectFailure(["detect", try write("timestamp,value\n", "header.csv", in: directory)],
                          "detect: line 1: a header and no data rows")
        try expectFailure(["train", try write("timestamp,value\n", "header.csv", in: directory),
                           "--out", directory.path("m.safetensors")], "train: line 1: a header and no data rows")
    }

    @Test func descendingTimeIsRefusedWithItsLine() throws {
        let directory = try TemporaryDirectory()
        let csv = try write("timestamp,value\n2014-04-01 00:10:00,1\n2014-04-01 00:05:00,2\n2014-04-01 00:00:00,3\n",
                            "desc.csv", in: directory)
        try expectFailure(["detect", csv], "detect: line 3: column 'timestamp': 2014-04-01 00:05:00 is earlier than",
                          "on line 2", "ascending time order")
    }

    /// The same series in epoch seconds, milliseconds, microseconds and nanoseconds gives the same
    /// results, with the rows dated where they belong (not in the year 55840).
    @Test func epochMillisecondsMicrosecondsAndNanosecondsReadAsSeconds() throws {
        let directory = try TemporaryDirectory()
        let config = directory.path("small.toml")
        try smallConfig.write(toFile: config, atomically: true, encoding: .utf8)
        var outputs: [String] = []
        for (name, scale) in [("s", 1), ("ms", 1000), ("us", 1_000_000), ("ns", 1_000_000_000)] as [(String, Int64)] {
            var text = "timestamp,value\n"
            for i in 0..<400 { text += "\((1_700_000_000 + Int64(i) * 60) * scale),\(sin(Double(i) / 5))\n" }
            let result = try AnomalydProcess.run(["detect", try write(text, "\(name).csv", in: directory), "--config", config])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            outputs.append(result.stdout)
        }
        #expect(outputs[0].split(separator: "\n")[1].hasPrefix("2023-11-14 22:13:20,"))
        #expect(outputs.allSatisfy { $0 == outputs[0] })
    }

    @Test func aBadCellNamesItsLineColumnAndCause() throws {
        let directory = try TemporaryDirectory()
        let csv = try write("timestamp,a,b\n2014-04-01 00:00:00,1,2\n2014-04-01 00:05:00,1,x\n", "bad.csv", in: directory)
        try expectFailure(["detect", csv], "detect: line 3: column 'b': 'x' is not a number")
        let time = try write("timestamp,a\n2014-04-01 00:00:00,1\nsoon,2\n", "time.csv", in: directory)
        try expectFailure(["detect", time], "detect: line 3: column 'timestamp': cannot read 'soon' as a time")
    }

    @Test func replayToAnEndpointNobodyServesFailsSayingSo() throws {
        let directory = try TemporaryDirectory()
        let csv = try write("timestamp,value\n1700000000,1\n1700000060,2\n", "a.csv", in: directory)
        let endpoint = "tcp://127.0.0.1:\(freeLoopbackPort())"
        let started = ContinuousClock.now
        try expectFailure(["replay", csv, "--connect", endpoint, "--connect-timeout", "1"],
                          "replay: nothing accepted a connection at \(endpoint) within 1.0 s")
        #expect(ContinuousClock.now - started < .seconds(15))
    }

    /// A subscriber that goes away part-way: replay stops and says how far it got.
    @Test func replayWhoseSubscriberLeavesFailsSayingSo() throws {
        let directory = try TemporaryDirectory()
        var text = "timestamp,value\n"
        for i in 0..<300 { text += "\(1_700_000_000 + i),\(i)\n" }
        let csv = try write(text, "a.csv", in: directory)
        let port = freeLoopbackPort()
        let subscriber = try PythonPeer(["-c", """
            import sys, zmq
            s = zmq.Context().socket(zmq.SUB)
            s.setsockopt(zmq.SUBSCRIBE, b"")
            s.setsockopt(zmq.RCVTIMEO, 30000)
            s.bind("tcp://127.0.0.1:" + sys.argv[1])
            s.recv_multipart()
            print("got one", flush=True)
            s.close(linger=0)
            """, "\(port)"], directory: directory, name: "subscriber")
        Thread.sleep(forTimeInterval: 0.5)
        try expectFailure(["replay", csv, "--connect", "tcp://127.0.0.1:\(port)", "--rate", "100"],
                          "replay: the connection to tcp://127.0.0.1:\(port) closed after", "of 300 rows")
        #expect(subscriber.output.contains("got one"), "python3 with pyzmq must be installed: \(subscriber.errors)")
    }

    @Test func endpointsWithoutASchemeShowTheTCPForm() throws {
        let directory = try TemporaryDirectory()
        let csv = try write("timestamp,value\n1700000000,1\n", "a.csv", in: directory)
        try expectFailure(["replay", csv, "--connect", "127.0.0.1:5556"], "replay: endpoint '127.0.0.1:5556' has no transport",
                          "tcp://127.0.0.1:5556")
        try expectFailure(["tail", "--connect", "127.0.0.1:5557"], "tail: endpoint '127.0.0.1:5557'", "tcp://host:port")
        let config = try write("[input]\nbind = [\"127.0.0.1:5556\"]\n", "bind.toml", in: directory)
        try expectFailure(["check-config", "--config", config], "input.bind: endpoint '127.0.0.1:5556' has no transport",
                          "tcp://127.0.0.1:5556")
    }

    @Test func inspectOnAFileThatIsNotAModelSaysSo() throws {
        let directory = try TemporaryDirectory()
        let csv = try write("timestamp,value\n1700000000,1\n", "a.csv", in: directory)
        try expectFailure(["inspect", csv], "inspect: not a safetensors model file: \(csv)")
        try expectFailure(["inspect", try write("", "empty.safetensors", in: directory)], "not a safetensors model file")
    }

    /// `check-config` without `--config` checks what `run` without it starts on: the defaults.
    @Test func checkConfigWithoutAFileValidatesTheDefaults() throws {
        let result = try AnomalydProcess.run(["check-config"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "no --config: checked the built-in defaults that `anomalyd run` uses without one: ok (1 group)\n")
    }
}
