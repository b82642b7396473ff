import Testing
import ZeroMQ

/// `zmq_poll` over several sockets: timeouts and readiness.
@Suite struct PollTests {
    let context: Context

    init() throws { context = try Context() }

    @Test func timeoutReturnsNothingAfterRoughlyTheTimeout() throws {
        let pull = try context.testSocket(.pull)
        _ = try pull.bindLoopback()
        let poller = Poller()
        poller.register(pull)
        let clock = ContinuousClock()
        let start = clock.now
        let ready = try poller.poll(timeout: .milliseconds(200))
        let elapsed = clock.now - start
        #expect(ready == 0)
        #expect(poller.events(at: 0).isEmpty)
        #expect(elapsed >= .milliseconds(150))
        #expect(elapsed < .seconds(10))
    }

    @Test func reportsWhichSocketsAreReadable() throws {
        let quiet = try context.testSocket(.pull)
        let busy = try context.testSocket(.pull)
        let push = try context.testSocket(.push)
        _ = try quiet.bindLoopback()
        try push.connect(try busy.bindLoopback())
        try push.send(["two", "frames"])

        let poller = Poller()
        let quietIndex = poller.register(quiet)
        let busyIndex = poller.register(busy)
        #expect(try poller.poll(timeout: Patience.receive) == 1)
        #expect(poller.events(at: quietIndex).isEmpty)
        #expect(poller.events(at: busyIndex) == .readable)
        #expect(try busy.receiveMessage() == [bytes("two"), bytes("frames")])
        #expect(try poller.poll(timeout: .zero) == 0)
    }

    @Test func reportsWritableOnceConnected() throws {
        let pull = try context.testSocket(.pull)
        let push = try context.testSocket(.push)
        try push.connect(try pull.bindLoopback())
        let events = try Poller.poll([push, pull], for: [.readable, .writable], timeout: Patience.receive)
        #expect(events[0] == .writable)
        #expect(events[1].isEmpty)
    }

    @Test func closedSocketIsAnError() throws {
        let pull = try context.testSocket(.pull)
        let poller = Poller()
        poller.register(pull)
        pull.close()
        #expect(throws: ZMQError.self) { try poller.poll(timeout: .zero) }
    }
}
