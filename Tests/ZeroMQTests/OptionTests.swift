import Testing
import ZeroMQ

/// Typed options round-trip through libzmq.
@Suite struct OptionTests {
    let context: Context

    init() throws { context = try Context() }

    @Test func integersAndDurationsRoundTrip() throws {
        let socket = try context.socket(.sub)
        try socket.set(.sendHighWaterMark, to: 123)
        try socket.set(.receiveHighWaterMark, to: 456)
        #expect(try socket.get(.sendHighWaterMark) == 123)
        #expect(try socket.get(.receiveHighWaterMark) == 456)

        #expect(try socket.get(.linger) == .zero, "new sockets do not linger")
        try socket.set(.linger, to: nil)
        #expect(try socket.get(.linger) == nil)
        try socket.set(.receiveTimeout, to: .milliseconds(1500))
        #expect(try socket.get(.receiveTimeout) == .milliseconds(1500))
        #expect(try socket.get(.sendTimeout) == nil, "libzmq's default is forever")

        #expect(try socket.get(.maxMessageSize) == nil)
        try socket.set(.maxMessageSize, to: 1_048_576)
        #expect(try socket.get(.maxMessageSize) == 1_048_576)

        try socket.set(.heartbeatInterval, to: .seconds(1))
        try socket.set(.heartbeatTimeout, to: .seconds(3))
        try socket.set(.heartbeatTimeToLive, to: .seconds(6))
        #expect(try socket.get(.heartbeatInterval) == .seconds(1))
        #expect(try socket.get(.heartbeatTimeout) == .seconds(3))
        #expect(try socket.get(.heartbeatTimeToLive) == .seconds(6))
    }

    @Test func flagsStringsAndKeysRoundTrip() throws {
        let socket = try context.socket(.pull)
        try socket.set(.immediate, to: true)
        #expect(try socket.get(.immediate))
        try socket.set(.zapDomain, to: "anomalyd")
        #expect(try socket.get(.zapDomain) == "anomalyd")

        let keys = try curveKeyPair()
        try socket.set(.curveServer, to: true)
        try socket.set(.curveSecretKey, to: keys.secretKey)
        #expect(try socket.get(.curveServer))
        #expect(try socket.get(.curveSecretKey) == keys.secretKey)
        try socket.set(.curvePublicKey, to: keys.publicKey)
        #expect(try socket.get(.curvePublicKey) == keys.publicKey)

        let dealer = try context.socket(.dealer)
        try dealer.set(.routingID, to: bytes("pump-7"))
        #expect(try dealer.get(.routingID) == bytes("pump-7"))
    }

    @Test func invalidValuesAndReadOnlyOptionsThrow() throws {
        let socket = try context.socket(.pull)
        #expect(throws: ZMQError.self) { try socket.set(.curvePublicKey, to: "not a key") }
        #expect(throws: ZMQError.self) { try socket.set(.lastEndpoint, to: "tcp://x:1") }
        #expect(try socket.lastEndpoint == "")
    }

    /// A message bigger than `ZMQ_MAXMSGSIZE` gets its sender disconnected, never delivered.
    @Test func maxMessageSizeIsEnforced() throws {
        let pull = try context.testSocket(.pull)
        try pull.set(.maxMessageSize, to: 1000)
        let push = try context.testSocket(.push)
        try push.connect(try pull.bindLoopback())
        try push.send([UInt8](repeating: 1, count: 5000))
        #expect(try staysSilent(pull))
    }
}
