/// Everything an anomaly alert says (docs/DESIGN.md §4), as encoded by ``AlertJSONEncoder``.
public struct AlertMessage: Equatable, Sendable {
    /// One field's part in the anomaly.
    public struct FieldContribution: Equatable, Sendable {
        /// The field name.
        public var name: String
        /// Its share of the reconstruction error, in [0, 1].
        public var contribution: Double
        /// Its observed value in the newest step (NaN when missing; encoded as `null`).
        public var value: Double
        /// The model's reconstruction of that value.
        public var expected: Double

        /// Creates a field contribution.
        public init(name: String, contribution: Double, value: Double, expected: Double) {
            self.name = name
            self.contribution = contribution
            self.value = value
            self.expected = expected
        }
    }

    /// The model that scored the window.
    public struct ModelInfo: Equatable, Sendable {
        /// The model version (increments on every retraining).
        public var version: Int
        /// When it was trained, RFC 3339; empty (encoded as `null`) for version 0, a window judged
        /// by the cold-start check before any model.
        public var trainedAt: String

        /// Creates model info.
        public init(version: Int, trainedAt: String) {
            self.version = version
            self.trainedAt = trainedAt
        }
    }

    /// The state-machine event: state, episode id, time, score, threshold, severity, window.
    public var event: AlertEvent
    /// The series key.
    public var series: String
    /// The model group name.
    public var group: String
    /// The raw reconstruction negative log-likelihood.
    public var reconstructionNLL: Double
    /// The calibrated reconstruction score.
    public var reconstructionScore: Double
    /// The raw latent distance.
    public var latentDistance: Double
    /// The calibrated latent score (already weighted).
    public var latentScore: Double
    /// Per-field contributions, largest first.
    public var fields: [FieldContribution]
    /// The model that scored the window.
    public var model: ModelInfo
    /// The host name of the daemon.
    public var host: String

    /// Creates an alert message.
    public init(
        event: AlertEvent, series: String, group: String,
        reconstructionNLL: Double, reconstructionScore: Double,
        latentDistance: Double, latentScore: Double,
        fields: [FieldContribution], model: ModelInfo, host: String
    ) {
        self.event = event
        self.series = series
        self.group = group
        self.reconstructionNLL = reconstructionNLL
        self.reconstructionScore = reconstructionScore
        self.latentDistance = latentDistance
        self.latentScore = latentScore
        self.fields = fields
        self.model = model
        self.host = host
    }
}
