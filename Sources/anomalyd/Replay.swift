import ArgumentParser
import Foundation
import Offline
import ZeroMQ

/// `anomalyd replay`: publish a CSV file's rows as JSON records to a daemon (docs/DESIGN.md §6) — the
/// five-minute tour's producer, and a quick way to watch a labelled file go through the daemon.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish a CSV file's rows as JSON records to a daemon's input.",
        discussion: """
            Each row becomes {"series":S,"ts":T,"fields":{...}} with the file's own timestamps, so the \
            daemon sees the series as it was recorded, only faster. --rate paces the rows; 0 sends as \
            fast as the socket takes them. Nothing is sent until the daemon has accepted the connection: \
            without that within --connect-timeout, or when the connection closes part-way, replay \
            exits 1 saying so.
            """)

    @Argument(help: "CSV file: a header, a `timestamp` or `datetime` column, numeric fields.")
    var data: String

    @Option(name: .long, help: "The daemon's input endpoint, e.g. tcp://127.0.0.1:5556.")
    var connect: String

    @Option(name: .long, help: "Series name (default: the file name without extension).")
    var series: String?

    @Option(name: .long, help: "Rows per second; 0 = as fast as possible.")
    var rate: Double = 1000

    @Option(name: .long, help: "Topic frame of each message.")
    var topic = "metrics"

    @Option(name: .long, parsing: .upToNextOption, help: "Only these columns.")
    var fields: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: "Drop these columns (e.g. labels).")
    var exclude: [String] = []

    @OptionGroup var curve: CurveClientOptions

    @Option(name: .customLong("connect-timeout"), help: "Seconds to wait for the daemon to accept the connection.")
    var connectTimeout: Double = 5

    func validate() throws {
        guard rate >= 0 else { throw ValidationError("--rate must be ≥ 0") }
        guard connectTimeout > 0 && connectTimeout.isFinite else { throw ValidationError("--connect-timeout must be > 0") }
    }

    func run() throws {
        try runReportingFailure("replay") { try replay() }
    }

    private func replay() throws {
        let table = try CSVReader(fields: fields, exclude: exclude).read(contentsOf: data)
        let name = series ?? URL(fileURLWithPath: data).deletingPathExtension().lastPathComponent
        let context = try Context()
        let stop = SignalStop(context: context)
        defer { withExtendedLifetime(stop) {} }
        let socket = try context.socket(.pub)
        defer { socket.close(linger: .seconds(5)) }
        try curve.apply(to: socket)
        // Queue only to a completed connection, and watch for it: a PUB socket otherwise drops
        // every message while nobody is there and reports nothing.
        try socket.set(.immediate, to: true)
        let monitor = try socket.monitor(events: [.handshakeSucceeded, .handshakeFailed, .disconnected])
        defer { monitor.close() }
        try socket.connect(connect)
        let handshake = try monitor.waitForEvent(
            [.handshakeSucceeded, .handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth],
            timeout: .milliseconds(Int64(connectTimeout * 1000)))
        guard let handshake else {
            throw CommandFailure("nothing accepted a connection at \(connect) within \(connectTimeout) s"
                + " (is the daemon running, with input.bind there?)")
        }
        guard handshake.kind == .handshakeSucceeded else {
            throw CommandFailure("\(connect) refused the connection's handshake (\(handshake.kind)): check the CURVE keys")
        }
        // PUB drops everything sent before the subscription reaches it (the zguide's slow joiner).
        Thread.sleep(forTimeInterval: 0.5)

        let records = RecordLines(table, series: name)
        let start = Date()
        var sent = 0
        let rowsPerMessage = rate == 0 ? 100 : max(1, min(100, Int(rate / 100)))
        var payload: [UInt8] = []
        for row in 0..<table.rowCount {
            records.append(row, to: &payload)
            if (row + 1) % rowsPerMessage == 0 || row == table.rowCount - 1 {
                do {
                    _ = try socket.send([Array(topic.utf8), payload])
                } catch let error as ZMQError where error.isContextTerminated || error.isInterrupted {
                    break
                }
                if try monitor.nextEvent(timeout: .zero)?.kind == .disconnected {
                    throw CommandFailure("the connection to \(connect) closed after \(sent) of \(table.rowCount) rows")
                }
                payload.removeAll(keepingCapacity: true)
                sent = row + 1
                if rate > 0 {
                    let due = Double(sent) / rate - Date().timeIntervalSince(start)
                    if due > 0 { Thread.sleep(forTimeInterval: due) }
                }
            }
        }
        printError("anomalyd replay: sent \(sent) rows of \(name) to \(connect)")
    }
}
