import Foundation

/// Model files for `VAEModel`: the parameters as named tensors (`encoder.layers.0.weight`,
/// `encoder.mu.weight`, …, like the PyTorch peer's state dict), the latent statistics as
/// `latent.mean` / `latent.covariance`, and metadata `format`, `format_version`, `architecture`
/// (JSON), `latent_statistics` (JSON) and `version`. Callers add their own metadata keys.
extension VAEModel {
    /// The `format` metadata value of VAE model files.
    public static let fileFormat = "anomalyd-vae"
    /// The `format_version` this build writes and reads.
    public static let fileFormatVersion = 1

    /// The model as a `ModelFile`. `metadata` is merged in; the model's own keys take precedence.
    public func modelFile(version: Int = 1, metadata: [String: String] = [:]) -> ModelFile {
        var tensors: [String: Tensor] = [:]
        for t in layout.tensors {
            tensors[t.name] = Tensor(shape: t.shape, values: Array(parameters[t.offset..<(t.offset + t.count)]))
        }
        var meta = metadata
        meta["format"] = Self.fileFormat
        meta["format_version"] = String(Self.fileFormatVersion)
        meta["version"] = String(version)
        meta["architecture"] = architectureJSON
        if let s = latentStatistics {
            let L = config.latent
            tensors["latent.mean"] = Tensor(shape: [L], values: s.mean)
            tensors["latent.covariance"] = Tensor(shape: [L, L], values: s.covariance)
            meta["latent_statistics"] = "{\"count\":\(s.count),\"ridge\":\(Double(s.ridge)),\"tensors\":[\"latent.mean\",\"latent.covariance\"]}"
        }
        return ModelFile(tensors: tensors, metadata: meta)
    }

    /// Writes the model atomically to `path` (see `ModelFile.write(to:)`).
    public func write(to path: String, version: Int = 1, metadata: [String: String] = [:]) throws {
        try modelFile(version: version, metadata: metadata).write(to: path)
    }

    /// Reads a model and the file's full metadata from `path`.
    public static func read(from path: String) throws -> (model: VAEModel, metadata: [String: String]) {
        let file = try ModelFile.read(from: path)
        return (try VAEModel(file: file), file.metadata)
    }

    /// The model stored in `file`; throws on another format, version, architecture or shape.
    public init(file: ModelFile) throws {
        let meta = file.metadata
        guard let format = meta["format"] else { throw ModelFileError.badMetadata(key: "format", reason: "missing") }
        guard format == Self.fileFormat else { throw ModelFileError.unsupportedFormat(format) }
        let version = meta["format_version"] ?? "missing"
        guard Int(version) == Self.fileFormatVersion else {
            throw ModelFileError.unsupportedFormatVersion(found: version, supported: Self.fileFormatVersion)
        }
        let config = try Self.parseArchitecture(meta["architecture"])
        let layout = ParameterLayout(config)
        var parameters = [Float](repeating: 0, count: layout.count)
        for t in layout.tensors {
            guard let tensor = file.tensors[t.name] else { throw ModelFileError.missingTensor(t.name) }
            guard tensor.shape == t.shape, tensor.values.count == t.count else {
                throw ModelFileError.shapeMismatch(tensor: t.name, expected: t.shape, found: tensor.shape)
            }
            guard tensor.values.allSatisfy({ $0.isFinite }) else { throw ModelFileError.nonFinite(tensor: t.name) }
            parameters.replaceSubrange(t.offset..<(t.offset + t.count), with: tensor.values)
        }
        var stats: LatentStatistics?
        if let json = meta["latent_statistics"] {
            let L = config.latent
            guard let mean = file.tensors["latent.mean"] else { throw ModelFileError.missingTensor("latent.mean") }
            guard let cov = file.tensors["latent.covariance"] else { throw ModelFileError.missingTensor("latent.covariance") }
            guard mean.shape == [L] else { throw ModelFileError.shapeMismatch(tensor: "latent.mean", expected: [L], found: mean.shape) }
            guard cov.shape == [L, L] else {
                throw ModelFileError.shapeMismatch(tensor: "latent.covariance", expected: [L, L], found: cov.shape)
            }
            for (name, t) in [("latent.mean", mean), ("latent.covariance", cov)] where !t.values.allSatisfy({ $0.isFinite }) {
                throw ModelFileError.nonFinite(tensor: name)
            }
            let object = try Self.jsonObject(json, key: "latent_statistics")
            guard let count = (object["count"] as? NSNumber)?.intValue, let ridge = (object["ridge"] as? NSNumber)?.doubleValue else {
                throw ModelFileError.badMetadata(key: "latent_statistics", reason: "needs count and ridge")
            }
            stats = LatentStatistics(mean: mean.values, covariance: cov.values, count: count, ridge: Float(ridge))
        }
        do {
            try self.init(config: config, parameters: parameters, latentStatistics: stats)
        } catch {
            throw ModelFileError.badMetadata(key: "architecture", reason: "\(error)")
        }
    }

    /// The architecture as the `architecture` metadata JSON.
    var architectureJSON: String {
        let c = config
        func list(_ a: [Int]) -> String { "[" + a.map(String.init).joined(separator: ",") + "]" }
        return "{\"model\":\"donut-gaussian-vae\",\"input_size\":\(c.inputSize),\"hidden\":\(list(c.hidden)),"
            + "\"decoder_hidden\":\(list(c.decoderWidths)),\"latent\":\(c.latent),\"conditions\":\(c.conditions),\"beta\":\(Double(c.beta)),"
            + "\"epsilon\":\(Double(c.epsilon)),\"initialization\":\"\(c.initialization.rawValue)\",\"activation\":\"relu\"}"
    }

    static func jsonObject(_ text: String, key: String) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw ModelFileError.badMetadata(key: key, reason: "not a JSON object")
        }
        return object
    }

    static func parseArchitecture(_ text: String?) throws -> VAEConfig {
        guard let text else { throw ModelFileError.badMetadata(key: "architecture", reason: "missing") }
        let o = try jsonObject(text, key: "architecture")
        func int(_ k: String) throws -> Int {
            guard let n = o[k] as? NSNumber, n.doubleValue == n.doubleValue.rounded(), n.intValue > 0, n.intValue < 1 << 24 else {
                throw ModelFileError.badMetadata(key: "architecture", reason: "\(k) is not a positive integer")
            }
            return n.intValue
        }
        func float(_ k: String) throws -> Float {
            guard let n = o[k] as? NSNumber, n.doubleValue.isFinite else {
                throw ModelFileError.badMetadata(key: "architecture", reason: "\(k) is not a number")
            }
            return Float(n.doubleValue)
        }
        func ints(_ k: String) throws -> [Int] {
            guard let a = ModelFile.integers(o[k]), !a.isEmpty, a.allSatisfy({ $0 > 0 && $0 < 1 << 24 }) else {
                throw ModelFileError.badMetadata(key: "architecture", reason: "\(k) is not a list of positive integers")
            }
            return a
        }
        let initialization = (o["initialization"] as? String).flatMap(VAEConfig.Initialization.init(rawValue:)) ?? .he
        let hidden = try ints("hidden"), decoderHidden = try ints("decoder_hidden")
        // Files written before conditional models have no `conditions`: a plain VAE.
        var conditions = 0
        if let n = o["conditions"] {
            guard let n = n as? NSNumber, n.doubleValue == n.doubleValue.rounded(), n.intValue >= 0, n.intValue < 1 << 16 else {
                throw ModelFileError.badMetadata(key: "architecture", reason: "conditions is not a count")
            }
            conditions = n.intValue
        }
        return VAEConfig(inputSize: try int("input_size"), hidden: hidden, decoderHidden: decoderHidden == hidden ? nil : decoderHidden,
                         latent: try int("latent"), conditions: conditions, beta: try float("beta"), epsilon: try float("epsilon"),
                         initialization: initialization)
    }
}
