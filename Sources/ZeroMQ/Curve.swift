import CZeroMQ

/// `true` if this libzmq was built with CURVE security (libsodium), as `zmq_has("curve")` says.
public var isCurveAvailable: Bool { zmq_has("curve") != 0 }

/// A new CURVE key pair (`zmq_curve_keypair`), both keys as 40-character Z85 strings.
/// - Throws: ``ZMQError`` (`ENOTSUP` if libzmq lacks CURVE).
public func curveKeyPair() throws -> (publicKey: String, secretKey: String) {
    var publicKey = [CChar](repeating: 0, count: 41)
    var secretKey = [CChar](repeating: 0, count: 41)
    try check(zmq_curve_keypair(&publicKey, &secretKey), "zmq_curve_keypair")
    return (string(fromZ85Key: publicKey), string(fromZ85Key: secretKey))
}

/// The Z85 public key that belongs to the Z85 `secretKey` (`zmq_curve_public`).
/// - Throws: ``ZMQError``; `EINVAL` if `secretKey` is not 40 characters of Z85.
public func curvePublic(fromSecret secretKey: String) throws -> String {
    guard secretKey.utf8.count == 40 else {
        throw ZMQError(operation: "zmq_curve_public", code: EINVAL)
    }
    var publicKey = [CChar](repeating: 0, count: 41)
    try check(zmq_curve_public(&publicKey, secretKey), "zmq_curve_public")
    return string(fromZ85Key: publicKey)
}

private func string(fromZ85Key key: [CChar]) -> String {
    String(decoding: key.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
