import Testing
import ZeroMQ

/// PUB/SUB delivery over tcp and ipc, single and multipart, with prefix filtering.
@Suite struct PubSubTests {
    let context: Context

    init() throws { context = try Context() }

    @Test func singleFrameOverTCP() throws {
        let publisher = try context.testSocket(.pub)
        let subscriber = try context.testSocket(.sub)
        let endpoint = try publisher.bindLoopback()
        try subscriber.connect(endpoint)
        try subscriber.subscribe()
        try awaitSubscription(publisher: publisher, subscriber: subscriber)

        try publisher.send("hello")
        #expect(try receiveSkippingProbes(subscriber) == [bytes("hello")])
    }

    @Test func multipartOverTCP() throws {
        let publisher = try context.testSocket(.pub)
        let subscriber = try context.testSocket(.sub)
        let endpoint = try publisher.bindLoopback()
        try subscriber.connect(endpoint)
        try subscriber.subscribe()
        try awaitSubscription(publisher: publisher, subscriber: subscriber)

        let large = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let frames: [[UInt8]] = [bytes("metrics"), [], [0, 1, 2, 0xFF], large]
        try publisher.send(frames)
        #expect(try receiveSkippingProbes(subscriber) == frames)
    }

    /// The daemon's ingest shape: the SUB binds, producers' PUBs connect.
    @Test func multipartOverIPCWithBoundSubscriber() throws {
        let directory = try TemporaryDirectory()
        let endpoint = directory.ipcEndpoint("in.sock")
        let subscriber = try context.testSocket(.sub)
        let publisher = try context.testSocket(.pub)
        try subscriber.bind(endpoint)
        try subscriber.subscribe("metrics")
        try subscriber.subscribe(probeTopic)
        try publisher.connect(endpoint)
        try awaitSubscription(publisher: publisher, subscriber: subscriber)

        let payload = #"{"series":"pump-7","ts":1700000000.5,"value":0.42}"# + "\n"
        for index in 0..<10 {
            try publisher.send(["metrics", payload + "\(index)"])
        }
        for index in 0..<10 {
            #expect(try receiveSkippingProbes(subscriber) == [bytes("metrics"), bytes(payload + "\(index)")])
        }
    }

    @Test func singleFrameOverIPC() throws {
        let directory = try TemporaryDirectory()
        let endpoint = directory.ipcEndpoint("single.sock")
        let publisher = try context.testSocket(.pub)
        let subscriber = try context.testSocket(.sub)
        try publisher.bind(endpoint)
        try subscriber.connect(endpoint)
        try subscriber.subscribe()
        try awaitSubscription(publisher: publisher, subscriber: subscriber)

        let payload = "servers.web1.cpu 0.42 1700000000\n"
        try publisher.send(payload)
        #expect(try receiveSkippingProbes(subscriber) == [bytes(payload)])
    }

    @Test func prefixFilteringDeliversOnlyMatchingTopics() throws {
        let publisher = try context.testSocket(.pub)
        let subscriber = try context.testSocket(.sub)
        let endpoint = try publisher.bindLoopback()
        try subscriber.connect(endpoint)
        try subscriber.subscribe("alert.")
        try subscriber.subscribe(probeTopic)
        try awaitSubscription(publisher: publisher, subscriber: subscriber)

        let topics = ["metrics.pump-7", "alert.pumps.pump-7", "alert", "alertx", "model.pumps", "alert.fans.f1"]
        for topic in topics {
            try publisher.send([topic, "body"])
        }
        #expect(try receiveSkippingProbes(subscriber)[0] == bytes("alert.pumps.pump-7"))
        #expect(try receiveSkippingProbes(subscriber)[0] == bytes("alert.fans.f1"))
        while let extra = try subscriber.tryReceiveMessage() {
            let topic = String(decoding: extra[0], as: UTF8.self)
            #expect(topic == probeTopic, "unexpected topic \(topic)")
        }
        #expect(try staysSilent(subscriber))
    }

    @Test func unsubscribeStopsDelivery() throws {
        let publisher = try context.testSocket(.pub)
        let subscriber = try context.testSocket(.sub)
        let endpoint = try publisher.bindLoopback()
        try subscriber.connect(endpoint)
        try subscriber.subscribe("a")
        try subscriber.subscribe(probeTopic)
        try awaitSubscription(publisher: publisher, subscriber: subscriber)
        try subscriber.unsubscribe("a")
        try subscriber.unsubscribe(probeTopic)
        try subscriber.subscribe("b")
        // Once "b" is delivered, the unsubscription (sent before it, in order) has arrived too.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: Patience.receive)
        var sawB = false
        while !sawB && clock.now < deadline {
            try publisher.send("b-probe")
            if try !Poller.poll([subscriber], timeout: .milliseconds(50))[0].isEmpty {
                sawB = try subscriber.receiveMessage() == [bytes("b-probe")]
            }
        }
        #expect(sawB)
        try publisher.send("a-late")
        try publisher.send("b-last")
        var received: [[UInt8]] = []
        repeat { received = try subscriber.receiveMessage() } while received == [bytes("b-probe")]
        #expect(received == [bytes("b-last")])
    }

    /// XSUB sends subscriptions as messages and XPUB reads them: the proxy building blocks.
    @Test func xpubSeesSubscriptionsFromXSub() throws {
        let xpub = try context.testSocket(.xpub)
        let xsub = try context.testSocket(.xsub)
        try xpub.set(.xpubVerbose, to: true)
        let endpoint = try xpub.bindLoopback()
        try xsub.connect(endpoint)
        try xsub.send([1] + bytes("alert."))  // 0x01 + prefix = subscribe
        #expect(try xpub.receiveMessage() == [[1] + bytes("alert.")])
        try xpub.send(["alert.x", "body"])
        #expect(try xsub.receiveMessage() == [bytes("alert.x"), bytes("body")])
    }
}
