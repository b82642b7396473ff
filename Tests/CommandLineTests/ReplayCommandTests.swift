import Foundation
import Testing

/// `anomalyd replay` → a pyzmq subscriber: every row arrives once, in order, as a docs/DESIGN.md §3 record.
@Suite struct ReplayCommandTests {
    @Test func everyRowReachesAPyzmqSubscriberAsAJSONRecord() throws {
        let directory = try TemporaryDirectory()
        let csv = directory.path("pump.csv")
        var text = "timestamp;temp;vibration;anomaly\n"
        for row in 0..<250 {
            text += "2026-11-24 20:\(String(format: "%02d", row / 60)):\(String(format: "%02d", row % 60));\(70 + Double(row) / 10);"
                + (row == 7 ? "" : "0.5") + ";0\n"
        }
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        let port = freeLoopbackPort()
        let received = directory.path("received.jsonl")

        // The subscriber binds, then writes every line it gets until 250 arrived or 30 s passed.
        let subscriber = Process()
        subscriber.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        subscriber.arguments = [
            "python3", "-c",
            """
            import sys, time, zmq
            s = zmq.Context().socket(zmq.SUB)
            s.setsockopt(zmq.SUBSCRIBE, b"metrics")
            s.setsockopt(zmq.RCVTIMEO, 30000)
            s.bind("tcp://127.0.0.1:" + sys.argv[1])
            lines = []
            while len(lines) < 250:
                topic, payload = s.recv_multipart()
                lines += payload.decode().splitlines()
            open(sys.argv[2], "w").write("\\n".join(lines))
            """,
            "\(port)", received,
        ]
        try subscriber.run()
        defer {
            kill(subscriber.processIdentifier, SIGKILL)
            subscriber.waitUntilExit()
        }
        Thread.sleep(forTimeInterval: 0.5)
        let replay = try AnomalydProcess.run([
            "replay", csv, "--connect", "tcp://127.0.0.1:\(port)", "--rate", "2000", "--exclude", "anomaly",
        ])
        #expect(replay.status == 0, "\(replay.stderr)")
        let deadline = Date().addingTimeInterval(30)
        while subscriber.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(subscriber.terminationStatus == 0, "python3 with pyzmq must be installed")

        let lines = try String(contentsOfFile: received, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 250)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(first?["series"] as? String == "pump")
        #expect(first?["ts"] as? Double == 1_795_550_400)
        let fields = first?["fields"] as? [String: Any]
        #expect(fields?["temp"] as? Double == 70 && fields?["vibration"] as? Double == 0.5)
        #expect(fields?["anomaly"] == nil)
        let missing = try JSONSerialization.jsonObject(with: Data(lines[7].utf8)) as? [String: Any]
        #expect((missing?["fields"] as? [String: Any])?["vibration"] is NSNull)
    }
}
