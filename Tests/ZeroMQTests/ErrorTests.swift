import Foundation
import Testing
import ZeroMQ

/// Failures carry the operation, errno and libzmq's text.
@Suite struct ErrorTests {
    let context: Context

    init() throws { context = try Context() }

    @Test func badEndpointNamesOperationAndErrno() throws {
        let socket = try context.testSocket(.pub)
        let error = try #require(throws: ZMQError.self) { try socket.bind("tcp://not an address") }
        #expect(error.operation == "zmq_bind(tcp://not an address)")
        #expect(error.code != 0)
        #expect(!error.message.isEmpty)
        #expect(error.description.contains(error.message))

        let unknownTransport = try #require(throws: ZMQError.self) { try socket.bind("bogus://x") }
        #expect(unknownTransport.code == EPROTONOSUPPORT)
        #expect(unknownTransport.message == "Protocol not supported")
    }

    /// libzmq says only "Invalid argument" for `127.0.0.1:5556`; the socket says what to write.
    @Test func endpointWithoutTransportShowsTheTCPForm() throws {
        let socket = try context.testSocket(.pub)
        for operation in [socket.connect, socket.bind] {
            let error = try #require(throws: EndpointError.self) { try operation("127.0.0.1:5556") }
            #expect(error.endpoint == "127.0.0.1:5556")
            #expect(error.description.contains("tcp://host:port") && error.description.contains("tcp://127.0.0.1:5556"))
        }
        #expect(EndpointError(checking: "localhost")?.description.contains("tcp://localhost:PORT") == true)
        #expect(EndpointError(checking: "ipc:///run/anomalyd.sock") == nil)
        #expect(EndpointError(checking: "tcp://127.0.0.1:5556") == nil)
    }

    @Test func portInUseSaysSo() throws {
        let first = try context.testSocket(.pull)
        let endpoint = try first.bindLoopback()
        let second = try context.testSocket(.pull)
        let error = try #require(throws: ZMQError.self) { try second.bind(endpoint) }
        #expect(error.code == EADDRINUSE)
        #expect(error.message == "Address already in use")
    }

    @Test func receiveTimeoutIsWouldBlock() throws {
        let pull = try context.testSocket(.pull)
        try pull.set(.receiveTimeout, to: .milliseconds(50))
        _ = try pull.bindLoopback()
        let error = try #require(throws: ZMQError.self) { try pull.receiveMessage() }
        #expect(error.isWouldBlock)
        #expect(try pull.tryReceiveMessage() == nil)
    }

    @Test func closedSocketIsNotASocket() throws {
        let socket = try context.testSocket(.push)
        socket.close()
        socket.close()  // idempotent
        #expect(!socket.isOpen)
        let error = try #require(throws: ZMQError.self) { try socket.connect("tcp://127.0.0.1:1") }
        #expect(error.code == ENOTSOCK)
    }

    @Test func wrongStateIsReported() throws {
        let request = try context.testSocket(.req)
        try request.connect("tcp://127.0.0.1:1")
        let error = try #require(throws: ZMQError.self) { try request.receiveMessage() }
        #expect(error.operation == "zmq_msg_recv")
        #expect(error.message == "Operation cannot be accomplished in current state")
    }
}
