/// The architecture of Donut's Gaussian VAE (Xu et al., WWW 2018).
///
/// x (inputSize = window × fields, row-major time × field) → encoder hidden layers (ReLU) →
/// μ_z and σ_z = softplus(·) + ε → z = μ_z + σ_z·ε → decoder hidden layers (ReLU) →
/// μ_x and σ_x = softplus(·) + ε.
///
/// With `conditions = C > 0` it is a conditional VAE (Sohn et al. 2015; Bagel, Li et al. 2018):
/// C condition values c per window — known context such as the time of day — are appended to the
/// encoder's input and to z at the decoder's input, so the model learns p(x | z, c): what a
/// window looks like at that time. The conditions are inputs only, never reconstructed.
public struct VAEConfig: Sendable, Equatable {
    /// How hidden-layer weights are drawn. Heads always use Xavier; biases start at zero.
    public enum Initialization: String, Sendable {
        /// N(0, 2 / fanIn): keeps ReLU activations' variance (He et al. 2015).
        case he
        /// N(0, 2 / (fanIn + fanOut)) (Glorot & Bengio 2010).
        case xavier
    }

    /// Length of one flattened input window (window × fields).
    public var inputSize: Int
    /// Encoder hidden layer widths.
    public var hidden: [Int]
    /// Decoder hidden layer widths; `nil` uses `hidden` (Donut's symmetric default).
    public var decoderHidden: [Int]?
    /// Latent dimension.
    public var latent: Int
    /// Condition values per window appended to the encoder's and the decoder's input (0: a plain VAE).
    public var conditions: Int
    /// Weight of the KL term in the ELBO (1 = the plain VAE).
    public var beta: Float
    /// Floor added to both softplus standard deviations, keeping the likelihood bounded.
    public var epsilon: Float
    /// Hidden-layer weight initialisation.
    public var initialization: Initialization

    /// Donut's defaults: hidden [100, 100], latent 8, β = 1, ε = 1e-4, He initialisation.
    public init(
        inputSize: Int, hidden: [Int] = [100, 100], decoderHidden: [Int]? = nil, latent: Int = 8,
        conditions: Int = 0, beta: Float = 1, epsilon: Float = 1e-4, initialization: Initialization = .he
    ) {
        self.conditions = conditions
        self.inputSize = inputSize
        self.hidden = hidden
        self.decoderHidden = decoderHidden
        self.latent = latent
        self.beta = beta
        self.epsilon = epsilon
        self.initialization = initialization
    }

    /// The decoder widths actually used.
    public var decoderWidths: [Int] { decoderHidden ?? hidden }

    /// Throws unless every size is positive and ε, β are sensible.
    public func validate() throws {
        guard inputSize > 0, latent > 0, conditions >= 0, !hidden.isEmpty, !decoderWidths.isEmpty,
              (hidden + decoderWidths).allSatisfy({ $0 > 0 }),
              epsilon > 0, epsilon.isFinite, beta >= 0, beta.isFinite
        else { throw VAEError.invalidConfig("\(self)") }
    }
}

/// Errors of the VAE engine other than model-file errors.
public enum VAEError: Error, Equatable, CustomStringConvertible {
    /// The configuration has a non-positive size or an invalid ε/β.
    case invalidConfig(String)
    /// An input buffer has the wrong length.
    case sizeMismatch(expected: Int, found: Int)
    /// There are too few windows to train on.
    case notEnoughData(Int)

    public var description: String {
        switch self {
        case .invalidConfig(let c): return "invalid VAE config: \(c)"
        case .sizeMismatch(let e, let f): return "size mismatch: expected \(e), found \(f)"
        case .notEnoughData(let n): return "not enough windows to train on: \(n)"
        }
    }
}
