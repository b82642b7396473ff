import Testing
import ZeroMQ

/// The request-reply, pipeline and pair patterns work end to end.
@Suite struct PatternTests {
    let context: Context

    init() throws { context = try Context() }

    @Test func requestReply() throws {
        let rep = try context.testSocket(.rep)
        let req = try context.testSocket(.req)
        try req.connect(try rep.bindLoopback())
        for round in 0..<3 {
            try req.send("ping \(round)")
            #expect(try rep.receiveMessage() == [bytes("ping \(round)")])
            try rep.send("pong \(round)")
            #expect(try req.receiveMessage() == [bytes("pong \(round)")])
        }
    }

    @Test func dealerRouterCarriesRoutingID() throws {
        let router = try context.testSocket(.router)
        let dealer = try context.testSocket(.dealer)
        try dealer.set(.routingID, to: bytes("pump-7"))
        try dealer.connect(try router.bindLoopback())
        try dealer.send(["hello", "world"])
        #expect(try router.receiveMessage() == [bytes("pump-7"), bytes("hello"), bytes("world")])
        try router.send(["pump-7", "back"])
        #expect(try dealer.receiveMessage() == [bytes("back")])
    }

    @Test func pushPullOverIPC() throws {
        let directory = try TemporaryDirectory()
        let endpoint = directory.ipcEndpoint("pipeline.sock")
        let pull = try context.testSocket(.pull)
        let push = try context.testSocket(.push)
        try pull.bind(endpoint)
        try push.connect(endpoint)
        for index in 0..<100 { try push.send("job \(index)") }
        for index in 0..<100 { #expect(try pull.receiveMessage() == [bytes("job \(index)")]) }
        try pull.unbind(endpoint)
        try push.disconnect(endpoint)
    }

    @Test func pairBothWays() throws {
        let left = try context.testSocket(.pair)
        let right = try context.testSocket(.pair)
        try left.bind("inproc://pair-test")
        try right.connect("inproc://pair-test")
        try left.send("→")
        #expect(try right.receiveMessage() == [bytes("→")])
        try right.send("←")
        #expect(try left.receiveMessage() == [bytes("←")])
    }

    @Test func everySocketTypeCanBeCreated() throws {
        for type in SocketType.allCases {
            let socket = try context.socket(type)
            #expect(socket.type == type)
            socket.close(linger: .zero)
        }
    }
}
