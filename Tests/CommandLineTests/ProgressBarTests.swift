import Foundation
import Testing

/// Long offline runs draw a progress bar on stderr when, and only when, stderr is a terminal.
@Suite struct ProgressBarTests {
    /// Runs `anomalyd arguments…` with stdin, stdout and stderr on a pseudo-terminal (Python's
    /// `pty` module) and returns everything it wrote there and its exit status.
    private func runOnTerminal(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let script = """
            import os, pty, sys
            pid, fd = pty.fork()
            if pid == 0:
                os.execv(sys.argv[1], sys.argv[1:])
            out = b""
            while True:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            _, status = os.waitpid(pid, 0)
            sys.stdout.buffer.write(out)
            sys.exit(os.waitstatus_to_exitcode(status))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, AnomalydProcess.binary.path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = readToEnd(pipe.fileHandleForReading.fileDescriptor)
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    private func input(_ directory: TemporaryDirectory) throws -> (csv: String, config: String) {
        let csv = directory.path("in.csv")
        var text = "timestamp,value\n"
        for i in 0..<600 { text += "\(1_600_000_000 + i * 60),\(sin(Double(i) / 5))\n" }
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        let config = directory.path("small.toml")
        try smallConfig.write(toFile: config, atomically: true, encoding: .utf8)
        return (csv, config)
    }

    @Test func detectDrawsABarOnATerminal() throws {
        let directory = try TemporaryDirectory()
        let (csv, config) = try input(directory)
        let result = try runOnTerminal(["detect", csv, "--config", config, "--out", directory.path("out.csv")])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("\rdetect [#"), "\(result.output)")
        #expect(result.output.contains("] 100%"))
        #expect(result.output.contains("] 50%"))
        // The results are the same as without a terminal.
        let piped = try AnomalydProcess.run(["detect", csv, "--config", config])
        #expect(try String(contentsOfFile: directory.path("out.csv"), encoding: .utf8) == piped.stdout)
    }

    @Test func noBarWhenStderrIsAPipe() throws {
        let directory = try TemporaryDirectory()
        let (csv, config) = try input(directory)
        let result = try AnomalydProcess.run(["detect", csv, "--config", config, "--out", directory.path("out.csv")])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test func tuneAndEvaluateDrawBarsOnATerminal() throws {
        let data = fixtures
        let directory = try TemporaryDirectory()
        let (_, config) = try input(directory)
        let name = "realTraffic/speed_7578.csv"
        let tune = try runOnTerminal(["tune", "--config", config, "--labels", data + "/nab/combined_windows.json",
                                      "--window", "16", "--latent", "2", data + "/nab/data/" + name])
        #expect(tune.status == 0, "\(tune.output)")
        #expect(tune.output.contains("\rtune [") && tune.output.contains("] 100%"), "\(tune.output)")
        try FileManager.default.createDirectory(atPath: directory.path("results/realTraffic"),
                                                withIntermediateDirectories: true)
        #expect(try AnomalydProcess.run(["detect", data + "/nab/data/" + name, "--config", config,
                                         "--out", directory.path("results/" + name)]).status == 0)
        let evaluate = try runOnTerminal(["evaluate", "--results", directory.path("results"),
                                          "--labels", data + "/nab/combined_windows.json"])
        #expect(evaluate.status == 0, "\(evaluate.output)")
        #expect(evaluate.output.contains("\revaluate [") && evaluate.output.contains("] 100%"), "\(evaluate.output)")
    }
}
