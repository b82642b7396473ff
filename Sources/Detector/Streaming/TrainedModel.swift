import VAE

/// The result of a ``TrainingJob``: everything a model slot needs to score, as one Sendable
/// value that crosses from the training thread to the detector's.
///
/// It is also what a model file holds (``write(to:)``, ``read(from:configurationHash:)``).
public struct TrainedModel: Sendable, Equatable {
    /// The group's index in the detector that asked for it (not stored in files).
    public var groupIndex: Int
    /// The group name.
    public var group: String
    /// The series key of a per-series model; nil for a shared one.
    public var series: String?
    /// The field names, in window column order.
    public var fields: [String]
    /// One network of the ensemble, with the calibration of its own scores.
    public struct Member: Sendable, Equatable {
        /// The network.
        public var vae: VAEModel
        /// Raw scores → combined score, fitted on held-out windows.
        public var calibration: ScoreCalibration
        /// Combined score → tail probability, fitted on its training windows.
        public var scoreTail: ScoreTail

        /// A member from its parts.
        public init(vae: VAEModel, calibration: ScoreCalibration, scoreTail: ScoreTail) {
            self.vae = vae
            self.calibration = calibration
            self.scoreTail = scoreTail
        }
    }

    /// The ensemble: networks trained on the same windows from different seeds
    /// (`group.training.ensemble`), whose evidence the judge averages. At least one.
    public var members: [Member]
    /// Per-series normalisation, by series key, fitted on that series' training windows (one
    /// for every member: they train on the same normalised windows).
    public var scalers: [String: RobustScaler]
    /// The judge's online calibration as it stood when the model was saved (nil for a model
    /// fresh from training, which takes over its slot's).
    public var evidenceTail: EvidenceTail?
    /// The range test's online check as it stood when the model was saved (nil when fresh).
    public var rangeCalibration: RangeEvidence.Calibration?
    /// Windows trained on (training and held-out).
    public var trainingWindows: Int
    /// Stream time of the newest training window, seconds since the epoch.
    public var trainedAt: Double
    /// The version this model takes when installed.
    public var version: Int
    /// ``GroupConfiguration/modelHash`` of the configuration it was trained under.
    public var configurationHash: String
    /// Mean NLL per observed point on the held-out windows, averaged over the members.
    public var validationLoss: Double
    /// The running model's mean NLL per observed point on the same windows (nil: none ran).
    public var previousValidationLoss: Double?

    /// Creates a trained model from its parts.
    public init(
        groupIndex: Int, group: String, series: String?, fields: [String], members: [Member],
        scalers: [String: RobustScaler], evidenceTail: EvidenceTail? = nil, rangeCalibration: RangeEvidence.Calibration? = nil,
        trainingWindows: Int, trainedAt: Double, version: Int, configurationHash: String,
        validationLoss: Double, previousValidationLoss: Double?
    ) {
        self.groupIndex = groupIndex
        self.group = group
        self.series = series
        self.fields = fields
        precondition(!members.isEmpty, "a model has at least one member")
        self.members = members
        self.scalers = scalers
        self.evidenceTail = evidenceTail
        self.rangeCalibration = rangeCalibration
        self.trainingWindows = trainingWindows
        self.trainedAt = trainedAt
        self.version = version
        self.configurationHash = configurationHash
        self.validationLoss = validationLoss
        self.previousValidationLoss = previousValidationLoss
    }

    /// The first member's network: the one `embed`, `generate` and `inspect` show, and the one
    /// whose shape every member shares.
    public var vae: VAEModel { members[0].vae }

    /// The largest increase of the held-out loss (nats per observed point) over the running
    /// model's at which a retrained model is still swapped in.
    public static let acceptableLossIncrease = 0.5

    /// Why the model must not replace the running one, or nil when it may.
    public var rejectionReason: String? {
        guard validationLoss.isFinite, members.allSatisfy({ $0.vae.parameters.allSatisfy(\.isFinite) }) else {
            return "non-finite validation loss or parameters"
        }
        if let previous = previousValidationLoss, previous.isFinite,
           validationLoss > previous + Self.acceptableLossIncrease {
            return "validation loss \(validationLoss) is worse than the running model's \(previous)"
        }
        return nil
    }
}
