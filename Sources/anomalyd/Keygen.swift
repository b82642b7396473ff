import ArgumentParser
import Foundation
import ZeroMQ

/// `anomalyd keygen`: a CURVE key pair in Z85 (docs/DESIGN.md §6).
struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a CURVE key pair (Z85).",
        discussion: """
            Without --out, prints both keys. With --out NAME, writes NAME.key (the secret key, mode 0600: \
            the server's security.secret_key_file, or a client's --curve-secret-key-file) and NAME.pub \
            (the public key: copy a client's into the server's authorized_keys_dir).
            """)

    @Option(name: .long, help: "Write NAME.key and NAME.pub instead of printing.")
    var out: String?

    func run() throws {
        let pair = try curveKeyPair()
        guard let out else {
            print("public-key \(pair.publicKey)")
            print("secret-key \(pair.secretKey)")
            return
        }
        let secretPath = out + ".key", publicPath = out + ".pub"
        for path in [secretPath, publicPath] where FileManager.default.fileExists(atPath: path) {
            printError("anomalyd keygen: \(path) exists; not overwriting a key")
            throw ExitCode.failure
        }
        guard FileManager.default.createFile(
            atPath: secretPath, contents: Data((pair.secretKey + "\n").utf8),
            attributes: [.posixPermissions: 0o600])
        else {
            printError("anomalyd keygen: cannot write \(secretPath)")
            throw ExitCode.failure
        }
        try Data((pair.publicKey + "\n").utf8).write(to: URL(fileURLWithPath: publicPath))
        print("wrote \(secretPath) (secret) and \(publicPath) (public \(pair.publicKey))")
    }
}
