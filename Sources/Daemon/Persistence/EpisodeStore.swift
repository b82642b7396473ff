import Detector
import Foundation
import VAE

/// The open alert episodes on disk: `episodes.json` in the state directory, beside `models/`.
/// Written atomically (``VAE/AtomicFile``) with every checkpoint that changed it and at shutdown,
/// read once at start, so a graceful restart neither opens an already-open episode again nor
/// forgets to resolve it. One small JSON document — `format` `anomalyd-episodes`,
/// `format_version` 1, `episodes`: each non-idle series' group, key, open episode and
/// anomalous windows counted towards one — since it holds only the series that are in or near an
/// episode (a handful, not every series), and is read by people as well as by the daemon.
public struct EpisodeStore: Sendable {
    /// The file.
    public let path: String

    /// The `format` of the file.
    static let format = "anomalyd-episodes"
    /// The `format_version` this build writes and reads.
    static let formatVersion = 1

    /// The store of the state directory `directory`.
    public init(directory: StateDirectory) {
        path = (directory.path as NSString).appendingPathComponent("episodes.json")
    }

    struct Document: Codable {
        var format: String
        var format_version: Int
        var episodes: [StreamingDetector.SavedEpisode]
    }

    /// The bytes of the file for `episodes` (sorted keys, so equal states give equal bytes).
    public func serialized(_ episodes: [StreamingDetector.SavedEpisode]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return [UInt8](try encoder.encode(Document(format: Self.format, format_version: Self.formatVersion, episodes: episodes)))
    }

    /// Replaces the file with `bytes` (from ``serialized(_:)``).
    public func write(_ bytes: [UInt8]) throws {
        try AtomicFile.write(bytes, to: path)
    }

    /// The saved episodes; empty when there is no file.
    /// - Throws: an error naming the file and the cause when it exists but cannot be used.
    public func load() throws -> [StreamingDetector.SavedEpisode] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EpisodeFileError(description: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw EpisodeFileError(description: "\(path) is not an episodes file: \(error)")
        }
        guard document.format == Self.format, document.format_version == Self.formatVersion else {
            throw EpisodeFileError(
                description: "\(path) is \(document.format) version \(document.format_version); this build reads "
                    + "\(Self.format) version \(Self.formatVersion)")
        }
        return document.episodes
    }
}

/// Why the episodes file could not be used, naming the file.
public struct EpisodeFileError: Error, CustomStringConvertible, Sendable {
    /// The reason, with the path.
    public let description: String
}
