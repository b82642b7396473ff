import Testing
import ZeroMQ

/// CURVE security with our ZAP handler: authorized clients get through, everyone else is
/// refused, visibly on the monitor and in the counters.
@Suite struct CurveTests {
    let context: Context
    let server: (publicKey: String, secretKey: String)
    let client: (publicKey: String, secretKey: String)

    init() throws {
        context = try Context()
        server = try curveKeyPair()
        client = try curveKeyPair()
    }

    /// A PULL bound as CURVE server, with its monitor started before binding.
    private func makeServer() throws -> (socket: Socket, monitor: SocketMonitor, endpoint: String) {
        let socket = try context.testSocket(.pull)
        try socket.set(.curveServer, to: true)
        try socket.set(.curveSecretKey, to: server.secretKey)
        let monitor = try socket.monitor(events: [.handshakeSucceeded, .handshakeFailed])
        return (socket, monitor, try socket.bindLoopback())
    }

    /// A PUSH that speaks CURVE with `keys`, connected to `endpoint`.
    private func makeClient(keys: (publicKey: String, secretKey: String), endpoint: String) throws -> Socket {
        let socket = try context.testSocket(.push)
        try socket.set(.curveServerKey, to: server.publicKey)
        try socket.set(.curvePublicKey, to: keys.publicKey)
        try socket.set(.curveSecretKey, to: keys.secretKey)
        try socket.connect(endpoint)
        return socket
    }

    @Test func curveIsAvailable() {
        #expect(isCurveAvailable)
    }

    @Test func authorizedClientHandshakesAndDelivers() throws {
        let authenticator = try ZAPAuthenticator(context: context, authorizedKeys: [client.publicKey])
        let (pull, monitor, endpoint) = try makeServer()
        let push = try makeClient(keys: client, endpoint: endpoint)
        try push.send(["metrics", "secret payload"])

        #expect(try pull.receiveMessage() == [bytes("metrics"), bytes("secret payload")])
        let event = try monitor.nextEvent(timeout: Patience.receive)
        #expect(event?.kind == .handshakeSucceeded)
        #expect(authenticator.allowedCount >= 1)
        #expect(authenticator.deniedCount == 0)
        authenticator.stop()
    }

    @Test func unknownClientKeyIsRefused() throws {
        let authenticator = try ZAPAuthenticator(context: context, authorizedKeys: [client.publicKey])
        let (pull, monitor, endpoint) = try makeServer()
        let stranger = try curveKeyPair()
        let push = try makeClient(keys: stranger, endpoint: endpoint)
        _ = try push.send("must not arrive", flags: .dontWait)

        let event = try monitor.nextEvent(timeout: Patience.receive)
        #expect(event?.kind == .handshakeFailedAuth)
        #expect(event?.value == 400)
        #expect(try staysSilent(pull))
        #expect(authenticator.deniedCount >= 1)
        #expect(authenticator.allowedCount == 0)
    }

    /// A plaintext peer fails at the ZMTP greeting (mechanism mismatch), before ZAP is asked:
    /// the monitor shows a protocol failure and the ZAP counters stay untouched.
    @Test func plaintextClientIsRefused() throws {
        let authenticator = try ZAPAuthenticator(context: context, authorizedKeys: [client.publicKey])
        let (pull, monitor, endpoint) = try makeServer()
        let push = try context.testSocket(.push)
        try push.connect(endpoint)
        _ = try push.send("must not arrive", flags: .dontWait)

        let event = try monitor.nextEvent(timeout: Patience.receive)
        #expect(event?.kind == .handshakeFailedProtocol)
        #expect(try staysSilent(pull))
        #expect(authenticator.allowedCount == 0)
        #expect(authenticator.deniedCount == 0)
    }

    /// Replacing the key set at runtime (the daemon's SIGHUP) applies to the next handshake.
    /// libzmq 4.3 does not retry a connection refused by ZAP, so the client connects anew.
    @Test func replacedKeySetTakesEffectOnNextConnection() throws {
        let authenticator = try ZAPAuthenticator(context: context, authorizedKeys: [])
        let (pull, monitor, endpoint) = try makeServer()
        let refused = try makeClient(keys: client, endpoint: endpoint)
        _ = try refused.send("refused", flags: .dontWait)
        #expect(try monitor.waitForEvent([.handshakeFailedAuth], timeout: Patience.receive) != nil)
        #expect(authenticator.deniedCount >= 1)
        refused.close()

        authenticator.replaceAuthorizedKeys(with: [client.publicKey])
        #expect(authenticator.authorizedKeys == [client.publicKey])
        let admitted = try makeClient(keys: client, endpoint: endpoint)
        try admitted.send("after reload")
        #expect(try pull.receiveMessage() == [bytes("after reload")])
        #expect(authenticator.allowedCount == 1)

        authenticator.replaceAuthorizedKeys(with: [])
        let revoked = try makeClient(keys: client, endpoint: endpoint)
        _ = try revoked.send("revoked", flags: .dontWait)
        #expect(try monitor.waitForEvent([.handshakeFailedAuth], timeout: Patience.receive) != nil)
        #expect(try staysSilent(pull))
        #expect(authenticator.allowedCount == 1)
    }

    @Test func secondHandlerOnTheSameContextIsRefused() throws {
        let first = try ZAPAuthenticator(context: context, authorizedKeys: [])
        #expect(throws: ZMQError.self) { try ZAPAuthenticator(context: context, authorizedKeys: []) }
        first.stop()
        first.stop()  // idempotent
    }

    @Test func publicKeyDerivesFromSecretKey() throws {
        #expect(try curvePublic(fromSecret: client.secretKey) == client.publicKey)
        #expect(client.publicKey.utf8.count == 40)
        #expect(try Z85.decode(client.publicKey).count == 32)
        #expect(throws: ZMQError.self) { try curvePublic(fromSecret: "too short") }
    }
}
