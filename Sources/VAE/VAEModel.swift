/// A Gaussian VAE's weights: its architecture, the flat parameter vector (layout by
/// `ParameterLayout`: each dense layer's weight (outputs, inputs) then bias), and the latent
/// statistics fitted after training. A value: safe to hand from the training thread to scorers.
public struct VAEModel: Sendable, Equatable {
    /// The architecture.
    public let config: VAEConfig
    /// All weights and biases, in forward order.
    public internal(set) var parameters: [Float]
    /// Mean and covariance of μ_z over the training windows, for the latent distance.
    public var latentStatistics: LatentStatistics?

    let layout: ParameterLayout

    /// A freshly initialised model: He or Xavier weights from `seed`, zero biases.
    public init(config: VAEConfig, seed: UInt64 = 42) throws {
        try config.validate()
        self.config = config
        layout = ParameterLayout(config)
        var rng = SeededRandom(seed: seed)
        var values = [Float](repeating: 0, count: layout.count)
        let layout = layout
        values.withUnsafeMutableBufferPointer { p in
            let base = p.baseAddress!
            for s in layout.layers {
                Dense.initialize(base + s.weight, base + s.bias, s.inputs, s.outputs,
                                 he: !s.isHead && config.initialization == .he, rng: &rng)
            }
        }
        parameters = values
    }

    /// A model from existing parameters (e.g. read from a file); throws on a length mismatch.
    public init(config: VAEConfig, parameters: [Float], latentStatistics: LatentStatistics? = nil) throws {
        try config.validate()
        let layout = ParameterLayout(config)
        guard parameters.count == layout.count else {
            throw VAEError.sizeMismatch(expected: layout.count, found: parameters.count)
        }
        self.config = config
        self.layout = layout
        self.parameters = parameters
        self.latentStatistics = latentStatistics
    }

    /// Number of scalar parameters.
    public var parameterCount: Int { layout.count }

    /// Tensor names in file order with their shapes (heads split into `.mu` / `.sigma`).
    public var tensorShapes: [(name: String, shape: [Int])] { layout.tensors.map { ($0.name, $0.shape) } }

    /// The values of one named tensor, or nil if there is no such tensor.
    public func tensor(named name: String) -> [Float]? {
        guard let t = layout.tensors.first(where: { $0.name == name }) else { return nil }
        return Array(parameters[t.offset..<(t.offset + t.count)])
    }

    public static func == (a: VAEModel, b: VAEModel) -> Bool {
        a.config == b.config && a.parameters == b.parameters && a.latentStatistics == b.latentStatistics
    }
}
