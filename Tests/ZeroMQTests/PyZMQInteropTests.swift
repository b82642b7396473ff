import Foundation
import Records
import Testing
import ZeroMQ

/// A pyzmq publisher — how producers outside this project talk to anomalyd — reaches our SUB
/// byte for byte. python3 with pyzmq is a test requirement: missing, the test fails.
@Suite struct PyZMQInteropTests {
    static let payload = Array(
        #"{"series":"pump-7","ts":1700000000.5,"value":0.42}"#.utf8 + [0x0A]
            + #"{"series":"pump-7","ts":"2026-11-24T20:00:00Z","fields":{"temp":71.2}}"#.utf8 + [0x0A])

    /// Publishes `[b"metrics", payload]` every 10 ms to argv[1] until its stdin closes, or for
    /// at most argv[2] seconds.
    static let publisherScript = """
        import sys, threading, time, zmq
        stop = threading.Event()
        threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
        payload = (b'{"series":"pump-7","ts":1700000000.5,"value":0.42}\\n'
                   b'{"series":"pump-7","ts":"2026-11-24T20:00:00Z","fields":{"temp":71.2}}\\n')
        context = zmq.Context()
        publisher = context.socket(zmq.PUB)
        publisher.setsockopt(zmq.LINGER, 0)
        publisher.connect(sys.argv[1])
        deadline = time.monotonic() + float(sys.argv[2])
        while time.monotonic() < deadline and not stop.is_set():
            publisher.send_multipart([b"metrics", payload])
            time.sleep(0.01)
        publisher.close()
        context.term()
        """

    @Test func pyzmqPublisherReachesOurSubscriber() throws {
        try requirePyZMQ()
        let context = try Context()
        let subscriber = try context.testSocket(.sub)
        try subscriber.subscribe("metrics")
        let endpoint = try subscriber.bindLoopback()

        let publisher = try launchPython(["-c", Self.publisherScript, endpoint, "30"])
        defer {
            try? publisher.stdin.fileHandleForWriting.close()  // the script's signal to stop
            publisher.process.waitUntilExit()
        }

        let buffer = MessageBuffer()
        for _ in 0..<5 {
            do {
                try subscriber.receive(into: buffer)
            } catch let error as ZMQError where error.isWouldBlock {
                let output = publisher.errorOutput()
                Issue.record("no message from pyzmq within \(Patience.receive); python said: \(output)")
                return
            }
            #expect(buffer.count == 2)
            #expect(buffer.bytes(at: 0) == bytes("metrics"))
            #expect(buffer.bytes(at: 1) == Self.payload)
        }

        // The payload frame decodes in place, as the daemon's ingest loop will decode it.
        var parser = RecordParser()
        var records: [Record] = []
        var rejected: [ParseError] = []
        parser.parse(buffer[1]) { records.append(Record($0, receivedAt: 0)) } onReject: { rejected.append($0) }
        #expect(rejected.isEmpty)
        #expect(records.count == 2)
        #expect(records.map(\.seriesKey) == ["pump-7", "pump-7"])
        #expect(records.first?.timestamp == 1_700_000_000.5)
        #expect(records.first?.fields.first?.name == "value" && records.first?.fields.first?.value == 0.42)
        #expect(records.last?.timestamp == 1_795_550_400)  // 2026-11-24T20:00:00Z
        #expect(records.last?.fields.first?.name == "temp" && records.last?.fields.first?.value == 71.2)
    }

    /// Fails the test, with the reason, unless `python3 -c "import zmq"` works.
    private func requirePyZMQ() throws {
        let check = try launchPython(["-c", "import zmq; print(zmq.zmq_version())"])
        try? check.stdin.fileHandleForWriting.close()
        check.process.waitUntilExit()
        try #require(
            check.process.terminationStatus == 0,
            "python3 with pyzmq is required (pip install pyzmq): \(check.errorOutput())")
    }

    private func launchPython(
        _ arguments: [String]
    ) throws -> (process: Process, stdin: Pipe, errorOutput: () -> String) {
        let process = Process()
        let stdin = Pipe()
        process.standardInput = stdin
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            Issue.record("cannot start python3 (required for the pyzmq interop test): \(error)")
            throw error
        }
        let read = {
            if process.isRunning { return "(still running)" }
            let data = errors.fileHandleForReading.readDataToEndOfFile()
            return String(decoding: data, as: UTF8.self)
        }
        return (process, stdin, read)
    }
}
