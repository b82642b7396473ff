import Foundation
import Testing

@Suite struct CheckConfigCommandTests {
    @Test func shippedConfigIsValid() throws {
        let path = AnomalydProcess.repositoryRoot.appendingPathComponent("Config/anomalyd.toml").path
        let result = try AnomalydProcess.run(["check-config", "--config", path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("ok"))
    }

    @Test func everyProblemIsPrintedAndExitIsOne() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bad.toml")
        try "[input]\nbnid = 1\n[[group]]\nwindow = 0\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try AnomalydProcess.run(["check-config", "--config", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("input.bnid: unknown key"))
        #expect(result.stderr.contains("group[0].window"))
    }

    @Test func missingFileIsAFailureNotACrash() throws {
        let result = try AnomalydProcess.run(["check-config", "--config", "/nonexistent/anomalyd.toml"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot read"))
    }

    @Test func usageErrorExits64() throws {
        let result = try AnomalydProcess.run(["check-config", "--no-such-option"])
        #expect(result.status == 64)
    }
}

@Suite struct KeygenCommandTests {
    @Test func printsAZ85KeyPair() throws {
        let result = try AnomalydProcess.run(["keygen"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("public-key ") && lines[0].count == "public-key ".count + 40)
        #expect(lines[1].hasPrefix("secret-key ") && lines[1].count == "secret-key ".count + 40)
    }

    @Test func writesKeyFilesWithPrivateSecretAndRefusesToOverwrite() throws {
        let directory = try TemporaryDirectory()
        let name = directory.path("server")
        #expect(try AnomalydProcess.run(["keygen", "--out", name]).status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: name + ".key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let publicKey = try String(contentsOfFile: name + ".pub", encoding: .utf8)
        #expect(publicKey.trimmingCharacters(in: .whitespacesAndNewlines).count == 40)
        let again = try AnomalydProcess.run(["keygen", "--out", name])
        #expect(again.status == 1)
        #expect(try String(contentsOfFile: name + ".pub", encoding: .utf8) == publicKey)
    }
}

/// A pyzmq publisher → `anomalyd proxy` → `anomalyd tail`: messages cross the forwarder intact.
@Suite struct ProxyAndTailCommandTests {
    @Test func messagesFromAPyzmqPublisherReachTailThroughTheProxy() throws {
        let frontend = "tcp://127.0.0.1:\(freeLoopbackPort())"
        let backend = "tcp://127.0.0.1:\(freeLoopbackPort())"
        let proxy = try AnomalydProcess.start(["proxy", "--frontend", frontend, "--backend", backend])
        defer {
            proxy.terminate()
            proxy.waitUntilExit()
        }
        // The publisher repeats until told to stop (slow joiner: tail's subscription must first
        // travel through the proxy).
        let publisher = Process()
        publisher.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        publisher.arguments = [
            "python3", "-c",
            """
            import sys, time, zmq
            s = zmq.Context().socket(zmq.PUB)
            s.connect(sys.argv[1])
            deadline = time.time() + 30
            while time.time() < deadline:
                s.send_multipart([b"alert.default.pump-7", b'{"kind":"anomaly","series":"pump-7"}'])
                time.sleep(0.02)
            """,
            frontend,
        ]
        try publisher.run()
        defer {
            // SIGKILL: the test runner's children may inherit an ignored SIGTERM.
            kill(publisher.processIdentifier, SIGKILL)
            publisher.waitUntilExit()
        }
        let result = try AnomalydProcess.run(
            ["tail", "--connect", backend, "--topic", "alert.", "--count", "3", "--show-topic"], timeout: .seconds(30))
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0 == #"alert.default.pump-7 {"kind":"anomaly","series":"pump-7"}"# })
        #expect(publisher.isRunning, "python3 with pyzmq must be installed (python3 -m pip install pyzmq)")
    }
}
