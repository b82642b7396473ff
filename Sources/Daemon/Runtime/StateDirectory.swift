import Foundation

/// Where the daemon keeps models and checkpoints (`[state] directory`, docs/DESIGN.md §5): the configured
/// path; else `$STATE_DIRECTORY` (systemd's `StateDirectory=`, first entry); else `./anomalyd-state`.
public struct StateDirectory: Sendable, Equatable {
    /// The resolved path.
    public let path: String

    /// Resolves the path from the settings and the environment.
    public init(settings: StateSettings, environment: [String: String]) {
        if !settings.directory.isEmpty {
            path = settings.directory
        } else if let systemd = environment["STATE_DIRECTORY"]?.split(separator: ":").first, !systemd.isEmpty {
            path = String(systemd)
        } else {
            path = "anomalyd-state"
        }
    }

    /// Creates the directory (mode 0700) when missing; throws if it cannot be created or written.
    public func prepare() throws {
        try FileManager.default.createDirectory(
            atPath: modelsPath, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard FileManager.default.isWritableFile(atPath: modelsPath) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: modelsPath])
        }
    }

    /// The folder holding one model file per group (or per series of a per-series group).
    public var modelsPath: String { (path as NSString).appendingPathComponent("models") }
}
