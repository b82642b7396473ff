import ArgumentParser
import Foundation
import Offline
import ZeroMQ

/// `anomalyd replay`: publish a CSV file's rows as JSON records to a daemon (SPEC §6) — the
/// five-minute tour's producer, and a quick way to watch a labelled file go through the daemon.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish a CSV file's rows as JSON records to a daemon's input.",
        discussion: """
            Each row becomes {"series":S,"ts":T,"fields":{...}} with the file's own timestamps, so the \
            daemon sees the series as it was recorded, only faster. --rate paces the rows; 0 sends as \
            fast as the socket takes them.
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

    func validate() throws {
        guard rate >= 0 else { throw ValidationError("--rate must be ≥ 0") }
    }

    func run() throws {
        let table: CSVTable
        do {
            table = try CSVReader(fields: fields, exclude: exclude).read(contentsOf: data)
        } catch {
            printError("anomalyd replay: \(data): \(error)")
            throw ExitCode.failure
        }
        let name = series ?? URL(fileURLWithPath: data).deletingPathExtension().lastPathComponent
        let context = try Context()
        let stop = SignalStop(context: context)
        defer { withExtendedLifetime(stop) {} }
        let socket = try context.socket(.pub)
        defer { socket.close(linger: .seconds(5)) }
        try curve.apply(to: socket)
        try socket.connect(connect)
        // PUB drops everything sent before the subscription reaches it (the zguide's slow joiner).
        Thread.sleep(forTimeInterval: 0.5)

        let records = RecordLines(table, series: name)
        let start = Date()
        var sent = 0
        let rowsPerMessage = rate == 0 ? 100 : max(1, min(100, Int(rate / 100)))
        var payload = ""
        for row in 0..<table.rowCount {
            payload += records.line(row) + "\n"
            if (row + 1) % rowsPerMessage == 0 || row == table.rowCount - 1 {
                do {
                    _ = try socket.send([Array(topic.utf8), Array(payload.utf8)])
                } catch let error as ZMQError where error.isContextTerminated || error.isInterrupted {
                    break
                }
                payload = ""
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
