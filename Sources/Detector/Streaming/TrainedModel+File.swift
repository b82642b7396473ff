import Foundation  // JSON for the metadata strings; not on the per-record path
import VAE

/// Model files (docs/DESIGN.md §7): the VAE's tensors plus `__metadata__` JSON strings for the group's
/// side of the model — `group`, `series`, `fields`, `normalization` (scalers by series key),
/// `score_calibration`, `score_tail`, `evidence_tail` and `range_calibration` (when saved from a
/// running slot), `training_windows`, `trained_at`, `trained_at_seconds`,
/// `config_hash` and `validation_loss` — written atomically through ``VAE/ModelFile``.
extension TrainedModel {
    /// Writes the model to `path` (temporary file, fsync, rename, directory fsync).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var metadata: [String: String] = [
            "group": group,
            "fields": String(decoding: try encoder.encode(fields), as: UTF8.self),
            "normalization": String(decoding: try encoder.encode(scalers), as: UTF8.self),
            "score_calibration": try calibration.jsonString(),
            "score_tail": String(decoding: try encoder.encode(scoreTail), as: UTF8.self),
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
        try vae.write(to: path, version: version, metadata: metadata)
    }

    /// Reads a model file, refusing one trained under another configuration.
    /// - Parameters:
    ///   - path: the file.
    ///   - configurationHash: the group's ``GroupConfiguration/modelHash``; nil skips the check.
    public static func read(from path: String, configurationHash: String?) throws -> TrainedModel {
        let (vae, meta) = try VAEModel.read(from: path)
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
        return TrainedModel(
            groupIndex: 0, group: try value("group"), series: meta["series"],
            fields: try decode([String].self, "fields"), vae: vae,
            scalers: try decode([String: RobustScaler].self, "normalization"),
            calibration: try ScoreCalibration(jsonString: try value("score_calibration")),
            scoreTail: try decode(ScoreTail.self, "score_tail"),
            evidenceTail: meta["evidence_tail"] == nil ? nil : try decode(EvidenceTail.self, "evidence_tail"),
            rangeCalibration: meta["range_calibration"] == nil ? nil
                : try decode(RangeEvidence.Calibration.self, "range_calibration"),
            trainingWindows: windows, trainedAt: trainedAt, version: version, configurationHash: hash,
            validationLoss: Double(meta["validation_loss"] ?? "") ?? .nan, previousValidationLoss: nil)
    }
}
