import ArgumentParser
import Foundation
import ZeroMQ

/// Options of the commands that connect to a daemon whose sockets are CURVE servers.
struct CurveClientOptions: ParsableArguments {
    @Option(name: .long, help: "The server's public key (Z85), to connect with CURVE.")
    var curveServerKey: String?

    @Option(name: .long, help: "File holding this client's secret key (from `anomalyd keygen --out`).")
    var curveSecretKeyFile: String?

    func validate() throws {
        if (curveServerKey == nil) != (curveSecretKeyFile == nil) {
            throw ValidationError("--curve-server-key and --curve-secret-key-file go together")
        }
    }

    /// Makes `socket` a CURVE client when the options ask for it.
    func apply(to socket: Socket) throws {
        guard let curveServerKey, let curveSecretKeyFile else { return }
        let secret = try readKey(curveSecretKeyFile)
        try socket.set(.curveServerKey, to: curveServerKey)
        try socket.set(.curveSecretKey, to: secret)
        try socket.set(.curvePublicKey, to: try curvePublic(fromSecret: secret))
    }
}

/// Reads a Z85 key file: the first line, trimmed.
func readKey(_ path: String) throws -> String {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return text.split(whereSeparator: \.isNewline).first.map(String.init)?
        .trimmingCharacters(in: .whitespaces) ?? ""
}
