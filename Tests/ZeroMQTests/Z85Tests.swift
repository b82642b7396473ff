import Testing
import ZeroMQ

/// Z85 (RFC 32) encoding.
@Suite struct Z85Tests {
    @Test func rfc32TestVector() throws {
        let bytes: [UInt8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]
        #expect(try Z85.encode(bytes) == "HelloWorld")
        #expect(try Z85.decode("HelloWorld") == bytes)
    }

    @Test func roundTripsEveryByteValue() throws {
        let bytes = (0..<256).map(UInt8.init) + [0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
        let text = try Z85.encode(bytes)
        #expect(text.utf8.count == bytes.count / 4 * 5)
        #expect(try Z85.decode(text) == bytes)
        #expect(try Z85.encode([]) == "")
    }

    @Test func roundTripsCurveKeys() throws {
        let keys = try curveKeyPair()
        #expect(try Z85.encode(Z85.decode(keys.publicKey)) == keys.publicKey)
        #expect(try Z85.encode(Z85.decode(keys.secretKey)) == keys.secretKey)
    }

    @Test func rejectsBadInput() {
        #expect(throws: Z85Error.invalidLength(3)) { try Z85.encode([1, 2, 3]) }
        #expect(throws: Z85Error.invalidLength(4)) { try Z85.decode("Hell") }
        #expect(throws: Z85Error.invalidCharacter(offset: 5)) { try Z85.decode("Hello Worl") }
        #expect(throws: Z85Error.overflow(offset: 0)) { try Z85.decode("#####") }
    }
}
