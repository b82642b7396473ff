import ArgumentParser
import Detector
import Foundation
import VAE

/// `anomalyd inspect`: what a model file holds — architecture, fields, group and series,
/// training data, calibration (score tail and online evidence), version and configuration hash.
///
/// The file is read and validated in full by the model file reader first, so a truncated or
/// corrupt file fails with that reader's one-line reason (exit 1), and so does a file whose
/// tensor data no longer matches its CRC-32 (a bit flip); a file written before checksums existed
/// is described, its `checksum` line saying it has none. `--json` prints the
/// `__metadata__` as one JSON object, with the values that are JSON documents themselves
/// (`architecture`, `fields`, `normalization`, `score_calibration`, `score_tail`, `evidence_tail`, `range_calibration`,
/// `latent_statistics`) embedded as JSON rather than as strings.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a model file: architecture, training data, calibration, version.")

    @Argument(help: "The model file (safetensors).")
    var model: String

    @Flag(name: .long, help: "Print the file's metadata as JSON.")
    var json = false

    func run() throws {
        try runReportingFailure("inspect") {
            let file = try ModelCommand.file(at: model)
            let trained = try TrainedModel(file: file, configurationHash: nil)
            if json {
                var metadata = file.metadata
                if let crc = file.checksum { metadata[ModelFile.checksumKey] = ModelFile.checksumText(crc) }
                printLine(try Self.json(metadata))
            } else {
                let size = (try? FileManager.default.attributesOfItem(atPath: model)[.size] as? Int) ?? 0
                printLine(Self.describe(trained, file: file, path: model, size: size))
            }
        }
    }

    /// The metadata as a JSON object (sorted keys), JSON-valued entries embedded.
    static func json(_ metadata: [String: String]) throws -> String {
        var object: [String: Any] = [:]
        for (key, value) in metadata {
            let first = value.first
            if first == "{" || first == "[", let parsed = try? JSONSerialization.jsonObject(with: Data(value.utf8)) {
                object[key] = parsed
            } else {
                object[key] = value
            }
        }
        let data = try JSONSerialization.data(withJSONObject: object,
                                              options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// The human-readable description, one `label  value` line per item.
    static func describe(_ model: TrainedModel, file: ModelFile, path: String, size: Int) -> String {
        let c = model.vae.config, meta = file.metadata
        let tensorValues = file.tensors.values.reduce(0) { $0 + $1.values.count }
        var lines: [(String, String)] = [
            ("file", "\(path) (\(size) bytes, format \(meta["format"] ?? "?") v\(meta["format_version"] ?? "?"))"),
            ("checksum", file.checksum.map { "\(ModelFile.checksumText($0)) of the tensor data, verified" }
                ?? "none (written before model files had checksums)"),
            ("architecture", "Gaussian VAE: input \(model.windowSteps) steps × \(model.fields.count) fields = "
                + "\(c.inputSize), encoder hidden \(c.hidden), decoder hidden \(c.decoderWidths), latent \(c.latent), "
                + "β \(c.beta)"),
            ("parameters", "\(model.vae.parameterCount) (\(file.tensors.count) tensors, \(tensorValues) values)"),
            ("fields", model.fields.joined(separator: ", ")),
            ("group", model.group),
            ("series", model.series.map { "\($0) (per-series model)" } ?? "shared model"),
            ("scalers", model.scalers.keys.sorted().map { key in
                let s = model.scalers[key]!
                return "\(key): median \(s.median), scale \(s.scale)"
            }.joined(separator: "; ")),
            ("training", "\(model.trainingWindows) windows, validation loss "
                + "\(model.validationLoss.isFinite ? String(format: "%.4f", model.validationLoss) : "n/a") nats/point"),
            ("trained_at", meta["trained_at"] ?? "?"),
            ("version", String(model.version)),
            ("config_hash", model.configurationHash),
            ("ensemble", "\(model.members.count) member\(model.members.count == 1 ? "" : "s") (the judge averages their evidence; below, the first)"),
            ("calibration", calibrationSummary(model.members[0].calibration)),
            ("score tail", scoreTailSummary(model.members[0].scoreTail)),
            ("evidence", model.evidenceTail.map(evidenceSummary) ?? "not saved (a model fresh from training)"),
        ]
        if let stats = model.vae.latentStatistics {
            lines.append(("latent stats", "\(stats.count) windows, ridge \(stats.ridge)"))
        }
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 }
            .joined(separator: "\n")
    }

    /// The calibration's robust scales and latent weight.
    static func calibrationSummary(_ c: ScoreCalibration) -> String {
        func scale(_ s: ScoreCalibration.RobustScale) -> String {
            "median \(String(format: "%.4g", s.median)), scale \(String(format: "%.4g", s.scale))"
        }
        return "reconstruction NLL \(scale(c.reconstruction)); latent distance \(scale(c.latent)); "
            + "latent weight \(c.latentWeight)"
    }

    /// The held-out score distribution's body and tail.
    static func scoreTailSummary(_ t: ScoreTail) -> String {
        "\(t.quantiles.count) quantiles; above \(String(format: "%.4g", t.threshold)) (level \(t.tailLevel)) a "
            + "generalized Pareto tail, shape \(String(format: "%.4g", t.tail.shape)), scale \(String(format: "%.4g", t.tail.scale))"
    }

    /// The online calibration's counts and tail.
    static func evidenceSummary(_ e: EvidenceTail) -> String {
        "\(Int(e.count)) windows (prior included), \(String(format: "%.4g", 100 * e.exceedanceRate)) % above "
            + "the tail threshold, mean excess \(String(format: "%.4g", e.scale))"
    }
}
