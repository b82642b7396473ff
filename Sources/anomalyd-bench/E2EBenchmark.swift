import Foundation
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// `anomalyd-bench e2e`: the real `anomalyd run` binary (built next to this one), fed by a separate
/// publisher process (`Benchmarks/peers/e2e_publisher.py`, shared with the Python peer) with JSON
/// records over tcp loopback for 1,000 series, window 120, stride 1, one shared model
/// (hidden [100, 100], latent 8). Alerts are read on the daemon's PUB socket, counters from its
/// /metrics. `Benchmarks/peers/pyzmq_torch.py` runs the same phases against the Python pipeline.
///
/// Phases, each line printed as it is measured:
/// - `e2e.throughput`: after warm-up and the first training, 2,000,000 records sent unpaced (the
///   publisher's queue is unbounded, so nothing is dropped: records/s is how fast the daemon drains
///   them), from the first send to the daemon's counter reaching the total. The counter is checked
///   to be exact (no drops, no rejects).
/// - `e2e.latency.p50`, `e2e.latency.p99`: 100,000 records/s for 10 s, 100 records per message, with
///   a spike in a rotating series every 997 records; latency is spike send → `open` alert received.
/// - `e2e.latency.p99.retraining`: the same against a daemon that retrains back to back
///   (`retrain_every = "2000 windows"`), so a training job runs through the whole phase.
/// - `e2e.rss.series1000`, `…100000`, `…1000000`: the daemon's resident set after three points of
///   every series (a series' window ring is allocated in full at its first point).
///
/// `figure` picks one of `throughput`, `latency`, `retraining`, `rss`.
func runEndToEndBenchmark(only figure: String? = nil) {
    do {
        let bench = try EndToEndBench()
        if figure == nil || figure == "throughput" || figure == "latency" {
            try bench.throughputAndLatency(throughput: figure != "latency", latency: figure != "throughput")
        }
        if figure == nil || figure == "retraining" { try bench.latencyWhileRetraining() }
        if figure == nil || figure == "stalled" { try bench.stalledSubscriber() }
        if figure == nil || figure == "rss" {
            for series in [1_000, 100_000, 1_000_000] { try bench.residentSet(series: series) }
        }
    } catch {
        print("e2e: \(error)")
        exit(1)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The shape of the stream: the issue's setup.
private enum Stream {
    static let series = 1_000
    static let window = 120
    /// Steps of warm-up: 140 steps × 1,000 series give 21,000 windows, past `min_windows`.
    static let warmupSteps = 140
    static let throughputRecords = 2_000_000
    static let latencyRate = 100_000.0
    static let latencySeconds = 10.0
    static let spikeEvery = 997
}

final class EndToEndBench {
    let binary: URL
    let publisherScript: URL
    let workDirectory: URL

    init() throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        binary = ProcessInfo.processInfo.environment["ANOMALYD_BINARY"].map(URL.init(fileURLWithPath:))
            ?? executable.deletingLastPathComponent().appendingPathComponent("anomalyd")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchError("no anomalyd binary at \(binary.path) (build it, or set ANOMALYD_BINARY)")
        }
        // The repository this file was compiled from holds the shared publisher.
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        publisherScript = repository.appendingPathComponent("Benchmarks/peers/e2e_publisher.py")
        guard FileManager.default.fileExists(atPath: publisherScript.path) else {
            throw BenchError("no publisher at \(publisherScript.path)")
        }
        workDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("anomalyd-e2e-\(getpid())")
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: workDirectory) }

    // MARK: Phases

    func throughputAndLatency(throughput: Bool, latency: Bool) throws {
        let idle = try throughputAndLatency(throughput: throughput, latency: latency, stalledSubscriber: false)
        report("e2e.throughput", idle.throughput, "records/s")
        report("e2e.latency.p50", idle.p50, "s")
        report("e2e.latency.p99", idle.p99, "s")
    }

    /// The same phases with a subscriber on the alert socket that never reads (a tiny kernel
    /// buffer, `rcvhwm` 1), against a daemon without one, in one run: the ratios are the figure.
    func stalledSubscriber() throws {
        let idle = try throughputAndLatency(throughput: true, latency: true, stalledSubscriber: false)
        let stalled = try throughputAndLatency(throughput: true, latency: true, stalledSubscriber: true)
        report("e2e.stalled.throughput", stalled.throughput, "records/s")
        report("e2e.stalled.latency.p99", stalled.p99, "s")
        report("e2e.ratio.throughput.stalled_over_none", stalled.throughput / idle.throughput, "x")
        report("e2e.ratio.latency.p99.stalled_over_none", stalled.p99 / idle.p99, "x")
        print("# alerts the stalled subscriber missed (alerts_missed_total): \(Int(stalled.missed))")
    }

    private func throughputAndLatency(throughput: Bool, latency: Bool, stalledSubscriber: Bool) throws
        -> (throughput: Double, p50: Double, p99: Double, missed: Double)
    {
        let daemon = try BenchDaemon(
            bench: self, name: stalledSubscriber ? "stalled" : "idle", retrainEvery: "never", maxSeries: 10_000)
        defer { daemon.stop() }
        let context = try Context()
        var stalled: Socket?
        if stalledSubscriber {
            let socket = try context.socket(.sub)
            try socket.set(.receiveHighWaterMark, to: 1)
            try socket.set(.receiveBuffer, to: 4096)
            try socket.subscribe("")
            try socket.connect(daemon.outputEndpoint)
            stalled = socket
        }
        defer { stalled?.close(linger: .zero) }
        var step = try warmUp(daemon)
        var result = (throughput: Double.nan, p50: Double.nan, p99: Double.nan, missed: 0.0)
        if throughput {
            let steps = Stream.throughputRecords / Stream.series
            let before = try daemon.metric("anomalyd_records_received_total")
            let run = try publish(to: daemon, steps: steps, startStep: step, prebuild: true)
            step += steps
            let expected = before + Double(run.sent)
            let done = try daemon.waitForMetric("anomalyd_records_received_total", atLeast: expected, timeout: 300)
            let received = try daemon.metric("anomalyd_records_received_total")
            let rejected = try daemon.metric("anomalyd_records_rejected_total", summed: true)
            guard received == expected, rejected == 0 else {
                throw BenchError("throughput run lost records: received \(received) of \(expected), rejected \(rejected)")
            }
            result.throughput = Double(run.sent) / (done - run.firstSend)
        }
        if latency {
            let latencies = try measureLatency(daemon, startStep: step)
            result.p50 = percentile(latencies, 0.50)
            result.p99 = percentile(latencies, 0.99)
        }
        result.missed = try daemon.metric("anomalyd_alerts_missed_total")
        return result
    }

    func latencyWhileRetraining() throws {
        // Retrain after every 2,000 windows (20 ms of this stream): a job is always running.
        let daemon = try BenchDaemon(bench: self, name: "retraining", retrainEvery: "2000 windows", maxSeries: 10_000)
        defer { daemon.stop() }
        let step = try warmUp(daemon)
        let trainedBefore = try daemon.metric("anomalyd_models_trained_total", summed: true)
        let latencies = try measureLatency(daemon, startStep: step)
        let trainings = try daemon.metric("anomalyd_models_trained_total", summed: true) - trainedBefore
        guard trainings >= 2 else { throw BenchError("only \(Int(trainings)) trainings ran during the retraining phase") }
        report("e2e.latency.p99.retraining", percentile(latencies, 0.99), "s")
        print("# \(Int(trainings)) trainings finished during the retraining phase")
    }

    func residentSet(series: Int) throws {
        let daemon = try BenchDaemon(bench: self, name: "rss\(series)", retrainEvery: "never", maxSeries: series + 1_000)
        defer { daemon.stop() }
        let run = try publish(to: daemon, series: series, steps: 3, startStep: 0, prebuild: false)
        _ = try daemon.waitForMetric("anomalyd_records_received_total", atLeast: Double(run.sent), timeout: 600)
        let active = try daemon.metric("anomalyd_series_active")
        guard Int(active) == series else { throw BenchError("\(Int(active)) series active, expected \(series)") }
        report("e2e.rss.series\(series)", Double(daemon.residentBytes()), "bytes")
    }

    // MARK: Steps

    /// Sends the warm-up stream and waits for the first model. Returns the next free step.
    private func warmUp(_ daemon: BenchDaemon) throws -> Int {
        _ = try publish(to: daemon, steps: Stream.warmupSteps, startStep: 0, prebuild: false)
        _ = try daemon.waitForMetric("anomalyd_models_trained_total{result=\"trained\"}", atLeast: 1, timeout: 300)
        return Stream.warmupSteps
    }

    /// Spike send → open alert, one latency per spike. A spike that lands inside an episode
    /// already open on its series (a false alarm there a few steps before, which the threshold's
    /// risk allows: 10⁻⁴ of 100,000 windows/s) cannot open one and is left out, and counted.
    private func measureLatency(_ daemon: BenchDaemon, startStep: Int) throws -> [Double] {
        let alerts = try AlertCollector(endpoint: daemon.outputEndpoint)
        let before = Self.latencyBuckets(daemon)  // the earlier phases' alerts are not this phase's
        let steps = Int(Stream.latencyRate * Stream.latencySeconds) / Stream.series
        let run = try publish(
            to: daemon, steps: steps, startStep: startStep, batch: 100, rate: Stream.latencyRate,
            spikeEvery: Stream.spikeEvery, prebuild: true)
        Thread.sleep(forTimeInterval: 1)
        let events = alerts.stop()
        var latencies: [Double] = [], covered = 0
        for spike in run.spikes {
            if let received = events.opened[AlertKey(series: spike.series, ts: spike.ts)] {
                latencies.append(received - spike.sentAt)
            } else if events.isOpen(series: spike.series, at: spike.ts) {
                covered += 1
            } else {
                latencies.append(.infinity)  // never alerted: p99 is infinite past 1% of these
            }
        }
        let missing = latencies.filter(\.isInfinite).count
        print("# \(run.spikes.count) spikes: \(latencies.count - missing) alerted, \(missing) never, \(covered) inside an episode already open")
        print(String(format: "# latency p90 %.6f, p95 %.6f, max %.6f s", percentile(latencies, 0.9), percentile(latencies, 0.95),
                     latencies.max() ?? .nan))
        // A publisher that fell behind sent what it owed as a burst, which queues at the daemon.
        print(String(format: "# publisher: %d of %d messages sent more than 1 ms late (latest %.1f ms)",
                     run.lateMessages, run.messages, run.maxLag * 1000))
        // The daemon's own view (receipt of the burst → alert sent) of this phase's alerts, to tell
        // its time from transport's.
        let after = Self.latencyBuckets(daemon)
        if !before.isEmpty && after.count == before.count, let total = after.last.map({ $0.1 - (before.last?.1 ?? 0) }), total > 0 {
            let shares = after.enumerated().map { index, bucket in
                "\(bucket.0) \(String(format: "%.3f", (bucket.1 - (before.isEmpty ? 0 : before[index].1)) / total))"
            }
            print("# daemon record_to_alert_seconds in this phase, share at or below: " + shares.joined(separator: ", "))
        }
        return latencies
    }

    /// The daemon's `record_to_alert_seconds` histogram: (upper bound, cumulative count) per bucket.
    private static func latencyBuckets(_ daemon: BenchDaemon) -> [(String, Double)] {
        guard let text = try? httpGet(port: daemon.metricsPort, path: "/metrics") else { return [] }
        return text.split(separator: "\n").filter { $0.hasPrefix("anomalyd_record_to_alert_seconds_bucket") }.compactMap { line in
            guard let le = line.split(separator: "\"").dropFirst().first, let value = Double(line.split(separator: " ").last ?? "")
            else { return nil }
            return (String(le), value)
        }
    }

    struct PublisherRun {
        var sent: Int
        var messages: Int
        var firstSend: Double
        var spikes: [(series: String, ts: Double, sentAt: Double)]
        /// Paced messages sent more than 1 ms late, and the latest (s): the publisher's own stalls.
        var lateMessages: Int
        var maxLag: Double
    }

    private func publish(
        to daemon: BenchDaemon, series: Int = Stream.series, steps: Int, startStep: Int, batch: Int = 100,
        rate: Double = 0, spikeEvery: Int = 0, prebuild: Bool
    ) throws -> PublisherRun {
        var arguments = [
            publisherScript.path, "--endpoint", daemon.inputEndpoint, "--series", "\(series)", "--steps", "\(steps)",
            "--start-step", "\(startStep)", "--batch", "\(batch)", "--rate", "\(rate)", "--spike-every", "\(spikeEvery)",
        ]
        if prebuild { arguments.append("--prebuild") }
        let output = try runToEnd("/usr/bin/env", ["python3"] + arguments)
        guard let line = output.split(separator: "\n").last,
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let sent = object["sent"] as? Int, let first = object["first_send"] as? Double,
            let spikes = object["spikes"] as? [[Any]]
        else { throw BenchError("publisher printed no summary: \(output.suffix(500))") }
        return PublisherRun(
            sent: sent, messages: object["messages"] as? Int ?? 0, firstSend: first,
            spikes: spikes.compactMap { entry in
                guard entry.count == 3, let series = entry[0] as? String, let ts = (entry[1] as? NSNumber)?.doubleValue,
                    let at = (entry[2] as? NSNumber)?.doubleValue
                else { return nil }
                return (series, ts, at)
            },
            lateMessages: object["late_messages"] as? Int ?? 0, maxLag: (object["max_lag"] as? NSNumber)?.doubleValue ?? 0)
    }

    private func report(_ name: String, _ value: Double, _ unit: String) {
        let text = unit == "s" ? String(format: "%.6f", value) : String(Int(value.rounded()))
        print("\(name) \(text) \(unit)")
        fflush(nil)
    }
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

/// Runs a command to completion and returns its standard output (standard error passes through).
func runToEnd(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw BenchError("\(arguments.first ?? executable) exited with \(process.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self)
}

/// One `anomalyd run` under test, on free loopback ports, with its own state directory.
final class BenchDaemon {
    let process = Process()
    let inputEndpoint: String
    let outputEndpoint: String
    let metricsPort: Int

    init(bench: EndToEndBench, name: String, retrainEvery: String, maxSeries: Int) throws {
        let directory = bench.workDirectory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ports = try freeLoopbackPorts(3)
        inputEndpoint = "tcp://127.0.0.1:\(ports[0])"
        outputEndpoint = "tcp://127.0.0.1:\(ports[1])"
        metricsPort = ports[2]
        let config = """
            [input]
            bind = ["\(inputEndpoint)"]
            receive_hwm = 0
            # The throughput run measures draining a backlog without loss: room for all of it.
            queue_bytes = 4294967296
            [output]
            bind = ["\(outputEndpoint)"]
            send_hwm = 0
            [state]
            directory = "\(directory.appendingPathComponent("state").path)"
            checkpoint_every = "1h"
            [metrics]
            listen = "127.0.0.1:\(metricsPort)"
            [limits]
            max_series = \(maxSeries)
            [[group]]
            name = "bench"
            match = "*"
            step = "1s"
            window = \(Stream.window)
            stride = 1
            model = "shared"
            [group.vae]
            hidden = [100, 100]
            latent = 8
            [group.training]
            min_windows = 2000
            reservoir = 10000
            retrain_every = "\(retrainEvery)"
            epochs = 5
            batch = 256
            [group.threshold]
            false_alarms_per_day = 1e-4
            [group.alerts]
            resolve_after = 5
            """
        let configPath = directory.appendingPathComponent("anomalyd.toml")
        try config.write(to: configPath, atomically: true, encoding: .utf8)
        process.executableURL = bench.binary
        process.arguments = ["run", "--config", configPath.path]
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        let log = directory.appendingPathComponent("log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        _ = try waitForMetric("anomalyd_ready", atLeast: 1, timeout: 60)
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// The daemon's current resident set (VmRSS), in bytes.
    func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        else { return -1 }
        return kilobytes * 1024
    }

    /// A value from /metrics: the sample named exactly `name` (labels included), or with
    /// `summed`, every sample of that family added up.
    func metric(_ name: String, summed: Bool = false) throws -> Double {
        guard process.isRunning else { throw BenchError("anomalyd exited with \(process.terminationStatus)") }
        let text = try httpGet(port: metricsPort, path: "/metrics")
        var total = 0.0, found = false
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let key = line[..<space]
            if key == name || (summed && (key.hasPrefix(name + "{"))) {
                total += value
                found = true
                if !summed { break }
            }
        }
        guard found else { throw BenchError("no metric \(name)") }
        return total
    }

    /// Polls a metric until it reaches `value`; returns the wall-clock time it was seen there.
    func waitForMetric(_ name: String, atLeast value: Double, timeout: Double) throws -> Double {
        let deadline = Date().timeIntervalSince1970 + timeout
        while true {
            if let current = try? metric(name), current >= value { return Date().timeIntervalSince1970 }
            guard process.isRunning else { throw BenchError("anomalyd exited with \(process.terminationStatus)") }
            guard Date().timeIntervalSince1970 < deadline else {
                throw BenchError("\(name) did not reach \(value) within \(timeout) s")
            }
            usleep(50_000)  // 20 scrapes a second: each takes CPU from the daemon too
        }
    }
}

/// The (series, ts) of an alert.
struct AlertKey: Hashable {
    let series: String
    let ts: Double
}

/// What the alert subscriber saw: when each `open` first arrived, and each series' episodes.
struct AlertEvents {
    var opened: [AlertKey: Double] = [:]
    /// Per series, (open ts, resolved ts or +∞) of each episode.
    var episodes: [String: [(open: Double, resolved: Double)]] = [:]

    /// Whether an episode of `series` opened before `ts` and had not resolved by it.
    func isOpen(series: String, at ts: Double) -> Bool {
        episodes[series, default: []].contains { $0.open < ts && $0.resolved >= ts }
    }
}

/// Subscribes to `alert.` on its own thread (which owns the socket) and records the alerts.
final class AlertCollector: @unchecked Sendable {
    private let context: Context
    private let lock = NSLock()
    private var events = AlertEvents()
    private var running = true
    private var finished = false
    private var failure: String?

    init(endpoint: String) throws {
        context = try Context()
        let connected = DispatchSemaphore(value: 0)
        Thread.detachNewThread { [self] in
            collect(endpoint: endpoint, connected: connected)
        }
        connected.wait()
        if let failure = lock.withLock({ failure }) { throw BenchError("alert subscriber: \(failure)") }
        Thread.sleep(forTimeInterval: 0.3)  // the subscription reaches the PUB before the spikes start
    }

    private func collect(endpoint: String, connected: DispatchSemaphore) {
        defer { lock.withLock { finished = true } }
        let socket: Socket
        do {
            socket = try context.socket(.sub)
            try socket.set(.receiveHighWaterMark, to: 0)
            try socket.set(.receiveTimeout, to: .milliseconds(100))
            try socket.subscribe("alert.")
            try socket.connect(endpoint)
        } catch {
            lock.withLock { failure = "\(error)" }
            connected.signal()
            return
        }
        connected.signal()
        let message = MessageBuffer()
        while lock.withLock({ running }) {
            guard (try? socket.receive(into: message)) != nil, message.frameCount == 2 else { continue }
            let now = Date().timeIntervalSince1970
            guard let object = try? JSONSerialization.jsonObject(with: Data(message[1])) as? [String: Any],
                let state = object["state"] as? String, let series = object["series"] as? String,
                let ts = (object["ts"] as? NSNumber)?.doubleValue
            else { continue }
            lock.withLock {
                switch state {
                case "open":
                    let key = AlertKey(series: series, ts: ts)
                    if events.opened[key] == nil { events.opened[key] = now }
                    events.episodes[series, default: []].append((ts, .infinity))
                case "resolved":
                    if let last = events.episodes[series]?.indices.last { events.episodes[series]![last].resolved = ts }
                default: break
                }
            }
        }
        socket.close()
    }

    /// Stops collecting and returns what arrived.
    func stop() -> AlertEvents {
        lock.withLock { running = false }
        while !lock.withLock({ finished }) { usleep(10_000) }
        context.shutdown()
        return lock.withLock { events }
    }
}

/// `count` loopback ports that were free a moment ago.
func freeLoopbackPorts(_ count: Int) throws -> [Int] {
    var sockets: [Int32] = [], ports: [Int] = []
    defer { sockets.forEach { close($0) } }
    for _ in 0..<count {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        sockets.append(fd)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw BenchError("no free port: \(String(cString: strerror(errno)))") }
        ports.append(Int(UInt16(bigEndian: address.sin_port)))
    }
    return ports
}

/// A plain HTTP/1.1 GET on loopback with `Connection: close`; returns the body.
func httpGet(port: Int, path: String) throws -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
    guard connected else { throw BenchError("connect to metrics port \(port): \(String(cString: strerror(errno)))") }
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
    guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else {
        throw BenchError("send to metrics port failed")
    }
    var response: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { break }
        response.append(contentsOf: chunk[0..<n])
    }
    let text = String(decoding: response, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else { throw BenchError("bad HTTP response from metrics port") }
    return String(text[split.upperBound...])
}
