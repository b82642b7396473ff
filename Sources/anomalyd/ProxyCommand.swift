import ArgumentParser
import ZeroMQ

/// `anomalyd proxy`: the zguide's XSUB/XPUB forwarder, for fan-in and fan-out across hosts.
struct ProxyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Forward records or alerts between hosts (XSUB/XPUB, zmq_proxy).",
        discussion: """
            Publishers connect to --frontend; subscribers (daemons, or alert consumers) connect to \
            --backend, and their subscriptions flow upstream, so each daemon shard receives only its \
            topic prefixes. Stop with SIGINT or SIGTERM.
            """)

    @Option(name: .long, help: "Endpoint(s) publishers connect to (XSUB binds; repeatable).")
    var frontend: [String]

    @Option(name: .long, help: "Endpoint(s) subscribers connect to (XPUB binds; repeatable).")
    var backend: [String]

    @Option(name: .long, help: "High-water mark of each side, in messages.")
    var hwm = 100_000

    func validate() throws {
        if frontend.isEmpty || backend.isEmpty { throw ValidationError("give --frontend and --backend") }
    }

    func run() throws {
        try runReportingFailure("proxy") { try proxy() }
    }

    private func proxy() throws {
        let context = try Context()
        let stop = SignalStop(context: context)
        defer { withExtendedLifetime(stop) {} }
        let xsub = try context.socket(.xsub)
        let xpub = try context.socket(.xpub)
        defer {
            xsub.close()
            xpub.close()
        }
        try xsub.set(.receiveHighWaterMark, to: hwm)
        try xpub.set(.sendHighWaterMark, to: hwm)
        for endpoint in frontend { try xsub.bind(endpoint) }
        for endpoint in backend { try xpub.bind(endpoint) }
        printError("anomalyd proxy: \(frontend.joined(separator: ",")) → \(backend.joined(separator: ","))")
        try Proxy.run(frontend: xsub, backend: xpub)
    }
}
