import Foundation  // JSON for the metadata strings; not on the per-record path
import VAE

/// Model files (docs/DESIGN.md §7): the first member's tensors under their plain names (so a reader that
/// knows one VAE reads the file as one), plus `__metadata__` JSON strings for the group's side of
/// the model — `group`, `series`, `fields`, `normalization` (scalers by series key),
/// `score_calibration` and `score_tail` (the first member's), `ensemble` (the member count),
/// `evidence_tail` and `range_calibration` (when saved from a running slot), `training_windows`,
/// `trained_at`, `trained_at_seconds`, `config_hash` and `validation_loss`. Member k ≥ 1 is the
/// same again under the prefix `member<k>.`: its tensors, its VAE metadata, its
/// `score_calibration` and `score_tail`. Written atomically through ``VAE/ModelFile``.
extension TrainedModel {
    /// Writes the model to `path` (temporary file, fsync, rename, directory fsync).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var metadata: [String: String] = [
            "group": group,
            "fields": String(decoding: try encoder.encode(fields), as: UTF8.self),
            "normalization": String(decoding: try encoder.encode(scalers), as: UTF8.self),
            "score_calibration": try members[0].calibration.jsonString(),
            "score_tail": String(decoding: try encoder.encode(members[0].scoreTail), as: UTF8.self),
            "ensemble": String(members.count),
            "training_windows": String(trainingWindows),
            "trained_at": ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: trainedAt)),
            "trained_at_seconds": String(trainedAt),
            "config_hash": configurationHash,
            "validation_loss": String(validationLoss),
        ]
        if let series { metadata["series"] = series }
        if let evidenceTail { metadata["evidence_tail"] = String(decoding: try encoder.encode(evidenceTail), as: UTF8.self) }
        if let rangeCalibration {
            metadata["range_calibration"] = String(decoding: try encoder.encode(rangeCalibration), as: UTF8.self)
        }
        var file = vae.modelFile(version: version, metadata: metadata)
        for (k, member) in members.enumerated().dropFirst() {
            var own = member.vae.modelFile(version: version)
            own.metadata["score_calibration"] = try member.calibration.jsonString()
            own.metadata["score_tail"] = String(decoding: try encoder.encode(member.scoreTail), as: UTF8.self)
            file.merge(own.namespaced(Self.memberPrefix(k)))
        }
        try file.write(to: path)
    }

    /// The name prefix of member `k` (≥ 1) in a model file.
    static func memberPrefix(_ k: Int) -> String { "member\(k)." }

    /// Reads a model file, refusing one trained under another configuration.
    /// - Parameters:
    ///   - path: the file.
    ///   - configurationHash: the group's ``GroupConfiguration/modelHash``; nil skips the check.
    public static func read(from path: String, configurationHash: String?) throws -> TrainedModel {
        try TrainedModel(file: ModelFile.read(from: path), configurationHash: configurationHash)
    }

    /// The model a file read by ``VAE/ModelFile/read(from:)`` holds, refusing one trained under
    /// another configuration (`configurationHash` nil skips that check).
    public init(file: ModelFile, configurationHash: String?) throws {
        let vae = try VAEModel(file: file), meta = file.metadata
        func value(_ key: String) throws -> String {
            guard let v = meta[key] else { throw ModelFileError.badMetadata(key: key, reason: "missing") }
            return v
        }
        let hash = try value("config_hash")
        if let expected = configurationHash, expected != hash {
            throw ModelLoadError.configurationMismatch(expected: expected, found: hash)
        }
        let decoder = JSONDecoder()
        func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
            do { return try decoder.decode(T.self, from: Data(try value(key).utf8)) } catch let e as ModelFileError {
                throw e
            } catch {
                throw ModelFileError.badMetadata(key: key, reason: "\(error)")
            }
        }
        guard let windows = Int(try value("training_windows")), let version = Int(try value("version")),
              let trainedAt = Double(try value("trained_at_seconds")) else {
            throw ModelFileError.badMetadata(key: "training_windows", reason: "not a number")
        }
        var members = [TrainedModel.Member(
            vae: vae, calibration: try ScoreCalibration(jsonString: try value("score_calibration")),
            scoreTail: try decode(ScoreTail.self, "score_tail"))]
        let count = Int(meta["ensemble"] ?? "1") ?? 0
        guard (1...16).contains(count) else { throw ModelFileError.badMetadata(key: "ensemble", reason: "not 1…16") }
        for k in 1..<count {
            let prefix = Self.memberPrefix(k)
            var own = file.namespace(prefix)
            guard !own.tensors.isEmpty else { throw ModelFileError.missingTensor(prefix + "…") }
            // The format keys are the file's.
            for key in ["format", "format_version"] { own.metadata[key] = meta[key] }
            let memberVAE = try VAEModel(file: own)
            guard memberVAE.config == vae.config else {
                throw ModelFileError.badMetadata(key: prefix + "architecture", reason: "differs from the first member's")
            }
            members.append(TrainedModel.Member(
                vae: memberVAE, calibration: try ScoreCalibration(jsonString: try value(prefix + "score_calibration")),
                scoreTail: try decode(ScoreTail.self, prefix + "score_tail")))
        }
        self.init(
            groupIndex: 0, group: try value("group"), series: meta["series"],
            fields: try decode([String].self, "fields"), members: members,
            scalers: try decode([String: RobustScaler].self, "normalization"),
            evidenceTail: meta["evidence_tail"] == nil ? nil : try decode(EvidenceTail.self, "evidence_tail"),
            rangeCalibration: meta["range_calibration"] == nil ? nil
                : try decode(RangeEvidence.Calibration.self, "range_calibration"),
            trainingWindows: windows, trainedAt: trainedAt, version: version, configurationHash: hash,
            validationLoss: Double(meta["validation_loss"] ?? "") ?? .nan, previousValidationLoss: nil)
    }
}
