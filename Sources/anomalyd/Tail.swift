import ArgumentParser
import Dispatch
import Foundation
import ZeroMQ

/// `anomalyd tail`: print alerts and model events as they are published (docs/DESIGN.md §6).
struct Tail: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print alerts published by a daemon, one JSON object per line.")

    @Option(name: .long, help: "The daemon's alert endpoint, e.g. tcp://127.0.0.1:5557.")
    var connect: String

    @Option(name: .long, help: "Topic prefixes to subscribe to (repeatable); default: everything.")
    var topic: [String] = []

    @Flag(name: .long, help: "Print the topic before each message.")
    var showTopic = false

    @Option(name: .long, help: "Exit after this many messages.")
    var count: Int?

    @OptionGroup var curve: CurveClientOptions

    func run() throws {
        try runReportingFailure("tail") { try tail() }
    }

    private func tail() throws {
        let context = try Context()
        let stop = SignalStop(context: context)
        defer { withExtendedLifetime(stop) {} }
        let socket = try context.socket(.sub)
        defer { socket.close() }
        try curve.apply(to: socket)
        for prefix in topic.isEmpty ? [""] : topic { try socket.subscribe(prefix) }
        try socket.connect(connect)
        let message = MessageBuffer()
        var received = 0
        while count.map({ received < $0 }) ?? true {
            do {
                try socket.receive(into: message)
            } catch let error as ZMQError where error.isContextTerminated || error.isInterrupted {
                break
            }
            guard message.frameCount > 0 else { continue }
            let payload = message.frameCount > 1 ? message[1] : message[0]
            var line = showTopic && message.frameCount > 1 ? message.string(at: 0) + " " : ""
            line += String(decoding: payload, as: UTF8.self)
            printLine(line)
            received += 1
        }
    }
}

/// Shuts a context down on SIGINT or SIGTERM, which makes blocking ZeroMQ calls return ETERM,
/// so a command stops cleanly and closes its sockets.
final class SignalStop {
    private let sources: [any DispatchSourceSignal]

    init(context: Context) {
        let queue = DispatchQueue(label: "anomalyd.signals")
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { context.shutdown() }
            source.resume()
            return source
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
