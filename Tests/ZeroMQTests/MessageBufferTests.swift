import Testing
import ZeroMQ

/// The allocation-free receive path: reusable frame slots, frame limits, and truncation.
@Suite struct MessageBufferTests {
    let context: Context
    let push: Socket
    let pull: Socket

    init() throws {
        context = try Context()
        pull = try context.testSocket(.pull)
        push = try context.testSocket(.push)
        try push.connect(try pull.bindLoopback())
    }

    @Test func reusesOneBufferAcrossMessages() throws {
        let buffer = MessageBuffer()
        for index in 0..<200 {
            let payload = String(repeating: "x", count: index * 7)  // small (inline) and large frames
            try push.send(["metrics", payload])
            try pull.receive(into: buffer)
            #expect(buffer.count == 2)
            #expect(buffer.string(at: 0) == "metrics")
            #expect(buffer.string(at: 1) == payload)
            #expect(buffer.byteCount == 7 + payload.utf8.count)
            #expect(!buffer.isTruncated)
        }
        #expect(try !pull.tryReceive(into: buffer))
        #expect(buffer.isEmpty)
    }

    @Test func keepsAtMostMaxFramesAndStaysInStep() throws {
        let buffer = MessageBuffer(maxFrames: 2)
        try push.send(["a", "b", "c", "d"])
        try push.send(["next"])
        try pull.receive(into: buffer)
        #expect(buffer.map { Array($0) } == [bytes("a"), bytes("b")])
        #expect(buffer.isTruncated)
        #expect(buffer.droppedFrameCount == 2)
        try pull.receive(into: buffer)
        #expect(buffer.map { Array($0) } == [bytes("next")])
        #expect(!buffer.isTruncated)
        buffer.removeAll()
        #expect(buffer.isEmpty)
    }

    @Test func receiveFrameReportsTruncationAndMore() throws {
        try push.send(["0123456789", "tail"])
        var storage = [UInt8](repeating: 0, count: 4)
        let first = try storage.withUnsafeMutableBytes { try pull.receiveFrame(into: $0) }
        #expect(first.size == 10 && first.copiedCount == 4 && first.hasMore)
        #expect(first.isTruncated)
        #expect(storage == bytes("0123"))
        let second = try storage.withUnsafeMutableBytes { try pull.receiveFrame(into: $0) }
        #expect(second.size == 4 && !second.isTruncated && !second.hasMore)
        #expect(storage == bytes("tail"))
        #expect(try storage.withUnsafeMutableBytes { try pull.tryReceiveFrame(into: $0) } == nil)
    }

    @Test func sendMoreBuildsOneMessage() throws {
        try push.send("topic", flags: .sendMore)
        try push.send(bytes("part"), flags: .sendMore)
        try push.send([[1, 2], [3]])
        #expect(try pull.receiveMessage() == [bytes("topic"), bytes("part"), [1, 2], [3]])
    }
}
