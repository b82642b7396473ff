import Foundation
import Testing

/// Runs the real `anomalyd` binary built next to this test bundle.
struct AnomalydProcess {
    /// The binary: `$ANOMALYD_BINARY`, else `anomalyd` in the build products directory.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["ANOMALYD_BINARY"] {
            return URL(fileURLWithPath: path)
        }
        var directory = Bundle.main.bundleURL
        // The test runner lives in the products directory (or inside a bundle within it).
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("anomalyd")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return Bundle.main.bundleURL.appendingPathComponent("anomalyd")
    }

    /// The repository root, from this file's path.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Runs `anomalyd arguments…` to completion (bounded by `timeout`) and returns its exit
    /// status, stdout and stderr.
    @discardableResult
    static func run(_ arguments: [String], timeout: Duration = .seconds(60)) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        try run(binary, arguments, timeout: timeout)
    }

    /// Runs `executable arguments…` to completion (bounded by `timeout`), with `environment` added
    /// to the test's and in `directory` when given; its exit status, stdout and stderr.
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                    directory: String? = nil, timeout: Duration = .seconds(60)) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain both pipes while waiting, so a chatty child never blocks on a full pipe.
        let outData = LockedData(), errData = LockedData()
        let group = DispatchGroup()
        for (pipe, sink) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                sink.set(readToEnd(pipe.fileHandleForReading.fileDescriptor))
                group.leave()
            }
        }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            process.terminate()
            let command = ([executable.lastPathComponent] + arguments).joined(separator: " ")
            Issue.record("\(command) did not finish within \(timeout)")
        }
        process.waitUntilExit()
        group.wait()
        return (
            process.terminationStatus, String(decoding: outData.get(), as: UTF8.self),
            String(decoding: errData.get(), as: UTF8.self)
        )
    }

    /// Starts `anomalyd arguments…` in the background.
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardOutput = Pipe()
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}

/// Everything `descriptor` yields until end of file. A POSIX read loop rather than
/// `FileHandle.readDataToEndOfFile()`, which traps when a signal interrupts its read (EINTR:
/// the reload and restart tests send signals while other tests read pipes).
func readToEnd(_ descriptor: Int32) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
            data.append(contentsOf: buffer[0..<count])
        } else if count == 0 || errno != EINTR {
            return data
        }
    }
}

/// A `Data` shared between a reader thread and the test.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}

/// A temporary directory removed when the value is released.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("anomalyd-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A free TCP port on 127.0.0.1 (bound, read, released), for commands that take an endpoint.
func freeLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

// MARK: - `anomalyd run` under test

/// A running `anomalyd run --config …`, its stderr (the log) captured to a file in the test's
/// temporary directory so a test can wait for log lines while it runs. SIGKILLed on release if
/// still running.
final class RunningDaemon {
    let process: Process
    let logPath: String

    /// Starts the daemon on `configPath`. `environment` is added to a copy of the test's own,
    /// from which systemd's variables are removed (a test must not talk to a real manager).
    init(configPath: String, directory: TemporaryDirectory, name: String = "daemon", environment: [String: String] = [:])
        throws
    {
        var env = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM", "STATE_DIRECTORY"] {
            env[key] = nil
        }
        env.merge(environment) { $1 }
        logPath = directory.path("\(name).log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process = Process()
        process.executableURL = AnomalydProcess.binary
        process.arguments = ["run", "--config", configPath]
        process.environment = env
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var pid: Int32 { process.processIdentifier }

    /// Everything logged so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Log lines containing `text`.
    func logLines(containing text: String) -> [Substring] {
        log.split(separator: "\n").filter { $0.contains(text) }
    }

    /// Waits until at least `count` log lines contain `text`; false on timeout or exit.
    @discardableResult
    func waitForLog(_ text: String, count: Int = 1, timeout: Duration = .seconds(60)) async -> Bool {
        await waitUntil(timeout: timeout) { self.logLines(containing: text).count >= count || !self.process.isRunning }
        return logLines(containing: text).count >= count
    }

    /// Sends `signal`.
    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the process to exit; its status, or nil on timeout (the process is then SIGKILLed).
    func waitForExit(timeout: Duration = .seconds(60)) async -> Int32? {
        await waitUntil(timeout: timeout) { !self.process.isRunning }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGTERM, then waits; the exit status, or nil on timeout.
    func stop(timeout: Duration = .seconds(60)) async -> Int32? {
        send(SIGTERM)
        return await waitForExit(timeout: timeout)
    }
}

/// A Python script from `Tests/CommandLineTests/Peers/` (or inline code), its stdout captured
/// to a file. SIGKILLed on release if still running: the test runner's children may inherit
/// an ignored SIGTERM.
final class PythonPeer {
    let process: Process
    let outputPath: String

    /// The path of a script in `Peers/`.
    static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers/\(name)").path
    }

    /// Runs `python3 arguments…` (a script path or `-c CODE` first).
    init(_ arguments: [String], directory: TemporaryDirectory, name: String) throws {
        outputPath = directory.path("\(name).out")
        let errorPath = directory.path("\(name).err")
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u"] + arguments
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? out.close()
        try? err.close()
        self.errorPath = errorPath
    }

    private let errorPath: String

    deinit { kill() }

    /// SIGKILL, if still running.
    func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Standard output so far.
    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    /// Standard error so far.
    var errors: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// Standard output's lines parsed as JSON objects.
    var objects: [[String: Any]] {
        output.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Waits for exit; the status, or nil on timeout (then SIGKILLed).
    func waitForExit(timeout: Duration = .seconds(120)) async -> Int32? {
        await waitUntil(timeout: timeout) { !self.process.isRunning }
        if process.isRunning {
            kill()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; whether it held.
///
/// Async, so a waiting test suspends instead of blocking a thread of the cooperative pool (on a
/// 2-core machine blocking waits would starve the async tests running beside them).
@discardableResult
func waitUntil(timeout: Duration, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// GETs `http://127.0.0.1:<port><path>` with Python's urllib: the status and body (status 0 when
/// the request failed outright).
func httpGet(port: Int, path: String) -> (status: Int, body: String) {
    let code = """
        import sys, urllib.request, urllib.error
        try:
            r = urllib.request.urlopen(sys.argv[1], timeout=10)
            print(r.status); sys.stdout.write(r.read().decode())
        except urllib.error.HTTPError as e:
            print(e.code); sys.stdout.write(e.read().decode())
        except Exception as e:
            print(0); sys.stdout.write(str(e))
        """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", code, "http://127.0.0.1:\(port)\(path)"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return (0, "python3 not runnable") }
    let data = readToEnd(pipe.fileHandleForReading.fileDescriptor)
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard let newline = text.firstIndex(of: "\n") else { return (Int(text) ?? 0, "") }
    return (Int(text[..<newline]) ?? 0, String(text[text.index(after: newline)...]))
}

/// The value of the Prometheus sample `name` (with its `{labels}`, exactly as exposed) in `text`.
func metricValue(_ text: String, _ name: String) -> Double? {
    for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
        return Double(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces))
    }
    return nil
}

// MARK: - Scenarios for `anomalyd run`

/// A small, fast daemon configuration for tests (window 20, hidden [32], 200 training windows),
/// on free loopback ports and its own state directory.
struct DaemonConfig {
    var input = "tcp://127.0.0.1:\(freeLoopbackPort())"
    var outputs = ["tcp://127.0.0.1:\(freeLoopbackPort())"]
    var metricsPort = freeLoopbackPort()
    var stateDirectory: String
    var topicPrefix = "alert."
    var maxMessageBytes = 1_048_576
    var checkpointEvery = "5m"
    /// `(secret_key_file, authorized_keys_dir)` turns CURVE on.
    var curve: (secretKeyFile: String, authorizedKeysDirectory: String)?
    var groupName = "sensors"
    var match = "*"
    var window = 20
    var minWindows = 200
    var epochs = 30
    var retrainEvery = "never"
    var resolveAfter = 3
    var repeatEvery = "10s"
    /// `input.queue_bytes`, `output.send_hwm`, `limits.max_future` and `limits.max_series`:
    /// the daemon's defaults when nil.
    var queueBytes: Int?
    var sendHWM: Int?
    var maxFuture: String?
    var maxSeries: Int?
    var seriesIdle: String?

    init(stateDirectory: String) {
        self.stateDirectory = stateDirectory
    }

    var output: String { outputs[0] }

    var toml: String {
        func list(_ values: [String]) -> String { "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        return """
            [input]
            bind = \(list([input]))
            max_message_bytes = \(maxMessageBytes)
            \(queueBytes.map { "queue_bytes = \($0)" } ?? "")

            [output]
            bind = \(list(outputs))
            topic_prefix = "\(topicPrefix)"
            \(sendHWM.map { "send_hwm = \($0)" } ?? "")

            [security]
            curve = \(curve != nil)
            secret_key_file = "\(curve?.secretKeyFile ?? "")"
            authorized_keys_dir = "\(curve?.authorizedKeysDirectory ?? "")"

            [state]
            directory = "\(stateDirectory)"
            checkpoint_every = "\(checkpointEvery)"

            [metrics]
            listen = "127.0.0.1:\(metricsPort)"

            [limits]
            \(maxFuture.map { "max_future = \"\($0)\"" } ?? "")
            \(maxSeries.map { "max_series = \($0)" } ?? "")
            \(seriesIdle.map { "series_idle = \"\($0)\"" } ?? "")

            [[group]]
            name = "\(groupName)"
            match = "\(match)"
            step = "auto"
            window = \(window)

            [group.vae]
            hidden = [32]
            latent = 4

            [group.training]
            min_windows = \(minWindows)
            # The streams last minutes: the first model comes at min_windows, not after a day.
            min_history = "1s"
            reservoir = 2000
            retrain_every = "\(retrainEvery)"
            epochs = \(epochs)
            batch = 32
            learning_rate = 3e-3

            [group.alerts]
            resolve_after = \(resolveAfter)
            repeat_every = "\(repeatEvery)"

            """
    }

    func write(to path: String) throws {
        try toml.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// A unit sine of period 25 steps with a little deterministic noise, one point per second from
/// `SineStream.origin`: point `i` has timestamp `origin + i` and value
/// `sin(2πi/25) + noise + offset(i)`.
///
/// The noise (uniform, ±0.05, a hash of the series and `i`) matters: a noiseless sine repeats the
/// same 25 windows, so the calibration scores tie and the threshold sits exactly on the largest
/// of them — the same window then alerts or not depending on float rounding (BLAS batch sizes).
enum SineStream {
    static let origin = 1_700_000_000.0
    static let period = 25.0

    static func value(_ i: Int, series: String = "") -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in series.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        var z = hash &+ UInt64(i) &* 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        z ^= z >> 31
        let noise = (Double(z >> 11) / Double(1 << 53) - 0.5) * 0.1
        return sin(2 * Double.pi * Double(i) / period) + noise
    }

    /// JSON lines for points `range` of `series`, with `offset(i)` added (anomalies).
    static func lines(series: String, _ range: Range<Int>, offset: (Int) -> Double = { _ in 0 }) -> [String] {
        range.map { i in
            let v = value(i, series: series) + offset(i)
            return #"{"series":"\#(series)","ts":\#(origin + Double(i)),"value":\#(v)}"#
        }
    }

    /// Writes lines to `path`, one per line.
    static func write(_ lines: [String], to path: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}
