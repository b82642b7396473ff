import Foundation
import ZeroMQ

/// The CURVE material of `[security]`: this server's secret key and the set of client public
/// keys allowed to connect (one Z85 key per file in `authorized_keys_dir`, as `anomalyd keygen`
/// writes them; files whose names start with `.` are ignored).
public struct CurveKeys: Sendable, Equatable {
    /// This server's secret key (Z85).
    public var secretKey: String
    /// This server's public key (Z85), derived from the secret key; clients need it.
    public var publicKey: String
    /// Client public keys admitted by the ZAP handler.
    public var authorizedKeys: Set<String>

    /// Reads both from disk; throws ``ConfigurationError`` naming the key whose file is wrong.
    public init(settings: SecuritySettings) throws {
        func problem(_ key: String, _ message: String) -> ConfigurationError {
            ConfigurationError(source: "security", problems: [.init(key: "security.\(key)", message: message)])
        }
        guard let secret = Self.readKey(settings.secretKeyFile), (try? Z85.decode(secret))?.count == 32 else {
            throw problem("secret_key_file", "\(settings.secretKeyFile) does not hold a Z85 secret key (make one with `anomalyd keygen --out NAME`)")
        }
        guard let publicKey = try? curvePublic(fromSecret: secret) else {
            throw problem("secret_key_file", "\(settings.secretKeyFile): not a valid CURVE secret key")
        }
        let directory = settings.authorizedKeysDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw problem("authorized_keys_dir", "cannot read the directory \(directory)")
        }
        var keys = Set<String>()
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let key = Self.readKey(path), (try? Z85.decode(key))?.count == 32 else {
                throw problem("authorized_keys_dir", "\(path) does not hold a Z85 public key")
            }
            keys.insert(key)
        }
        self.secretKey = secret
        self.publicKey = publicKey
        self.authorizedKeys = keys
    }

    /// The first line of a key file, trimmed; nil when unreadable or not 40 characters.
    static func readKey(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let line = text.split(whereSeparator: \.isNewline).first.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard let line, line.utf8.count == 40 else { return nil }
        return line
    }
}
