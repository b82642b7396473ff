import Testing
import ZeroMQ

/// High-water marks: a PUB whose subscriber does not read drops instead of blocking or growing.
@Suite struct HWMTests {
    @Test func mutePublisherDropsAtHighWaterMark() throws {
        let context = try Context()
        let publisher = try context.testSocket(.pub)
        let subscriber = try context.testSocket(.sub)
        try publisher.set(.sendHighWaterMark, to: 10)
        try subscriber.set(.receiveHighWaterMark, to: 10)
        #expect(try publisher.get(.sendHighWaterMark) == 10)
        let endpoint = try publisher.bindLoopback()
        try subscriber.connect(endpoint)
        try subscriber.subscribe()
        try awaitSubscription(publisher: publisher, subscriber: subscriber)

        // 40 MB against HWMs of 10 messages: far more than the loopback's socket buffers hold.
        let sent = 20_000
        let payload = [UInt8](repeating: 0x2A, count: 2048)
        for _ in 0..<sent {
            #expect(try publisher.send(payload, flags: .dontWait), "a PUB drops, it never refuses")
        }

        var received = 0
        let buffer = MessageBuffer()
        while try !Poller.poll([subscriber], timeout: .seconds(1))[0].isEmpty {
            while try subscriber.tryReceive(into: buffer) {
                if buffer[0].count == payload.count { received += 1 }
            }
        }
        #expect(received > 0)
        #expect(received < sent)
    }

    /// A PUSH refuses with `EAGAIN` once the pipe to its PULL is full (inproc: no kernel buffers,
    /// so the pipe holds exactly the two HWMs' worth).
    @Test func pushRefusesWhenFullAndDontWait() throws {
        let context = try Context()
        let pull = try context.testSocket(.pull)
        let push = try context.testSocket(.push)
        try pull.set(.receiveHighWaterMark, to: 5)
        try push.set(.sendHighWaterMark, to: 5)
        try pull.bind("inproc://hwm-push")
        try push.connect("inproc://hwm-push")

        var queued = 0
        while queued < 1000, try push.send("x", flags: .dontWait) { queued += 1 }
        #expect(queued >= 5 && queued <= 20)
        #expect(try pull.receiveMessage() == [bytes("x")])
    }
}
