import Detector
import Foundation
import VAE

/// Group models on disk, one safetensors file per group in the state directory's `models/`
/// folder (docs/DESIGN.md §7). Writes are atomic (temporary file, fsync, rename, directory fsync, done by
/// the model file writer), so a crash or `kill -9` at any instant leaves the old or the new file.
public struct ModelStore: Sendable {
    /// The state directory.
    public let directory: StateDirectory

    /// Damaged files moved aside that are kept per group: enough to look at what went wrong,
    /// few enough that a disk that keeps damaging files does not fill up with them.
    public static let keptDamagedFiles = 3

    /// A store in `directory`.
    public init(directory: StateDirectory) {
        self.directory = directory
    }

    /// The file of a group's model: `models/<group>.safetensors`, the name made safe for a path.
    public func path(ofGroup name: String) -> String {
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
        return (directory.modelsPath as NSString).appendingPathComponent(safe + ".safetensors")
    }

    /// Deletes the temporary files of writes that never finished (`<file>.tmp-<pid>-<n>`, left
    /// behind when the process was killed mid-write; the file itself is always whole), in
    /// `models/` and in the state directory (the episodes file's). Call at start-up, before this
    /// process writes anything. Returns the names removed.
    @discardableResult
    public func removeStaleTemporaryFiles() -> [String] {
        var removed: [String] = []
        for folder in [directory.modelsPath, directory.path] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for name in names where name.contains(".safetensors.tmp-") || name.contains(".json.tmp-") {
                let path = (folder as NSString).appendingPathComponent(name)
                if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(name) }
            }
        }
        return removed
    }

    /// Saves a trained group model.
    public func save(_ model: TrainedModel) throws {
        try model.write(to: path(ofGroup: model.group))
    }

    /// A saved model as read, with what the caller should know of its file.
    public struct Loaded: Sendable {
        /// The model.
        public var model: TrainedModel
        /// Its file.
        public var path: String
        /// Whether the file carried a data checksum (verified); false for files written before
        /// checksums existed, which are used all the same.
        public var checksummed: Bool
    }

    /// The saved model of `group`, nil when none was saved.
    /// - Throws: ``SavedModelError`` naming the file and the cause when the file exists but
    ///   cannot be used: damaged (``SavedModelError/Kind/damaged``) or trained for another
    ///   configuration of the group (``SavedModelError/Kind/unfit``).
    public func load(group: GroupConfiguration) throws -> Loaded? {
        let file = path(ofGroup: group.name)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        do {
            let contents = try ModelFile.read(from: file)
            let model = try TrainedModel(file: contents, configurationHash: group.modelHash)
            return Loaded(model: model, path: file, checksummed: contents.checksum != nil)
        } catch {
            throw SavedModelError(path: file, error: error)
        }
    }

    /// Moves a damaged file aside as `<file>.corrupt-<UTC time>` (so the group retrains and the
    /// next checkpoint writes a good file, while the bad one stays for inspection), then deletes
    /// all but the newest ``keptDamagedFiles`` of them. Returns the new path.
    public func moveAside(_ path: String, now: Date = Date()) throws -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        var target = "\(path).corrupt-\(formatter.string(from: now))"
        var n = 1
        while FileManager.default.fileExists(atPath: target) {
            n += 1
            target = "\(path).corrupt-\(formatter.string(from: now))-\(n)"
        }
        guard rename(path, target) == 0 else {
            throw ModelFileError.io("cannot move \(path) to \(target): \(String(cString: strerror(errno)))")
        }
        let folder = (path as NSString).deletingLastPathComponent
        let prefix = (path as NSString).lastPathComponent + ".corrupt-"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(prefix) }
        // The UTC time in the name sorts as the moves happened.
        for name in names.sorted().dropLast(Self.keptDamagedFiles) {
            try? FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
        }
        return target
    }
}

/// A saved model file that cannot be used, with its path and the cause.
public struct SavedModelError: Error, CustomStringConvertible, Sendable {
    /// What is wrong with the file.
    public enum Kind: String, Sendable {
        /// Not a whole, valid model file (truncated, a checksum mismatch, malformed): moved aside.
        case damaged
        /// A valid file for another configuration of the group (or a newer format): kept, and
        /// replaced by the next checkpoint once the group has trained.
        case unfit
        /// It could not be read (permissions, an I/O error): kept.
        case unreadable
    }

    /// The file.
    public let path: String
    /// Why it cannot be used, as one line.
    public let cause: String
    /// Damaged, unfit or unreadable.
    public let kind: Kind

    /// The error for `path` failing with `error`, classified.
    public init(path: String, error: any Error) {
        self.path = path
        cause = "\(error)"
        switch error {
        case is ModelLoadError: kind = .unfit
        case ModelFileError.unsupportedFormatVersion: kind = .unfit
        case ModelFileError.io: kind = .unreadable
        default: kind = .damaged
        }
    }

    public var description: String { "\(path): \(cause)" }
}
