import Detector
import Foundation

/// Group models on disk, one safetensors file per group in the state directory's `models/`
/// folder (docs/DESIGN.md §7). Writes are atomic (temporary file, fsync, rename, directory fsync, done by
/// the model file writer), so a crash or `kill -9` at any instant leaves the old or the new file.
public struct ModelStore: Sendable {
    /// The state directory.
    public let directory: StateDirectory

    /// A store in `directory`.
    public init(directory: StateDirectory) {
        self.directory = directory
    }

    /// The file of a group's model: `models/<group>.safetensors`, the name made safe for a path.
    public func path(ofGroup name: String) -> String {
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
        return (directory.modelsPath as NSString).appendingPathComponent(safe + ".safetensors")
    }

    /// Deletes the temporary files of writes that never finished (`<model>.tmp-<pid>-<n>`, left
    /// behind when the process was killed mid-write; the model file itself is always whole).
    /// Call at start-up, before this process writes anything. Returns the names removed.
    @discardableResult
    public func removeStaleTemporaryFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.modelsPath)) ?? []
        var removed: [String] = []
        for name in names where name.contains(".safetensors.tmp-") {
            let path = (directory.modelsPath as NSString).appendingPathComponent(name)
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(name) }
        }
        return removed
    }

    /// Saves a trained group model.
    public func save(_ model: TrainedModel) throws {
        try model.write(to: path(ofGroup: model.group))
    }

    /// The saved model of `group`, nil when none was saved; throws when the file exists but
    /// cannot be used (corrupt, or trained under another configuration of the group).
    public func load(group: GroupConfiguration) throws -> TrainedModel? {
        let file = path(ofGroup: group.name)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        return try TrainedModel.read(from: file, configurationHash: group.modelHash)
    }
}
