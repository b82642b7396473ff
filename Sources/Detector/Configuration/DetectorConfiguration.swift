/// How one model group detects anomalies: the `[[group]]` table of SPEC §5.
///
/// A value type with documented defaults; the daemon builds it from TOML and `anomalyd detect`
/// takes the first group of a config file, so both run the detector with the very same settings.
public struct GroupConfiguration: Sendable, Equatable {
    /// Whether a group trains one model shared by its series or one per series.
    public enum ModelSharing: String, Sendable, Equatable, CaseIterable {
        /// One model for every series of the group, each series normalised on its own.
        case shared
        /// One model per series.
        case perSeries = "per-series"
    }

    /// The sampling step of a series.
    public enum Step: Sendable, Equatable {
        /// Inferred from the first points of each series.
        case automatic
        /// A fixed step in seconds.
        case seconds(Double)
    }

    /// Group name, used in alert topics and model file names.
    public var name = "default"
    /// Glob on the series key (`*`, `?`, `[abc]`); the first matching group wins.
    public var match = "*"
    /// Field names to model; empty means every field the series sends.
    public var fields: [String] = []
    /// Sampling step.
    public var step = Step.automatic
    /// Window length in steps.
    public var window = 120
    /// Score every `stride`-th window.
    public var stride = 1
    /// Shared or per-series models.
    public var model = ModelSharing.shared
    /// Network shape.
    public var vae = VAESettings()
    /// Training policy.
    public var training = TrainingSettings()
    /// Score combination.
    public var scoring = ScoringSettings()
    /// Alert threshold.
    public var threshold = ThresholdSettings()
    /// Alert episode rules.
    public var alerts = AlertSettings()

    /// A group with every default.
    public init() {}
}

/// The `[group.vae]` table: the network's shape.
public struct VAESettings: Sendable, Equatable {
    /// Hidden layer sizes of the encoder; the decoder mirrors them.
    public var hidden = [100, 100]
    /// Latent dimension.
    public var latent = 8
    /// Weight of the KL term in the ELBO.
    public var beta = 1.0
    /// Defaults.
    public init() {}
}

/// When a group's model is retrained.
public enum RetrainSchedule: Sendable, Equatable {
    /// Train once at `min_windows`, then freeze.
    case never
    /// Retrain after this many seconds of stream time.
    case every(seconds: Double)
    /// Retrain after this many new windows.
    case everyWindows(Int)
}

/// The `[group.training]` table.
public struct TrainingSettings: Sendable, Equatable {
    /// Windows seen before the first training.
    public var minWindows = 1000
    /// Capacity of the reservoir of recent normal windows used for training.
    public var reservoir = 20_000
    /// Retraining schedule.
    public var retrainEvery = RetrainSchedule.every(seconds: 3600)
    /// Maximum training epochs (early stopping may end sooner).
    public var epochs = 50
    /// Mini-batch size.
    public var batch = 256
    /// Adam learning rate.
    public var learningRate = 1e-3
    /// L2 weight decay.
    public var weightDecay = 1e-4
    /// Fraction of training windows held out for validation and calibration.
    public var validation = 0.1
    /// Seed of every random draw, for repeatable runs.
    public var seed: UInt64 = 42
    /// Defaults.
    public init() {}
}

/// The `[group.scoring]` table.
public struct ScoringSettings: Sendable, Equatable {
    /// Weight of the calibrated latent-distance score against the reconstruction score, in [0, 1].
    public var latentWeight = 0.5
    /// z samples per window when scoring (1 scores from μ_z).
    public var samples = 1
    /// How many of the newest steps the reconstruction score covers; 0 scores the whole window.
    /// Scoring the newest steps makes a window's score say "this new point is unusual in the
    /// context of the window": it rises when an anomaly arrives and falls once it is no longer
    /// new, instead of staying high for as long as the anomaly is inside the window.
    public var recentSteps = 0
    /// Until a model slot has its first model, its windows are judged by ``WarmUpCheck`` against
    /// this many robust σ; 0 leaves them unjudged (score 0) until then.
    public var warmUpThreshold = 6.0
    /// A window whose newest step lies outside its series' training range (``RangeCheck``) has
    /// its severity multiplied by this; 1 turns the check off.
    public var rangeFactor = 8.0
    /// An anomalous window at the same phase of ``recurrencePeriod`` (time of day) as anomalous
    /// windows of its series on k periods in a row before it (``RecurrenceMarks``; k ≤ 3) has its
    /// severity divided by this k times; 1 turns the check off.
    public var recurrenceFactor = 8.0
    /// The period of the recurrence check, in seconds: a day.
    public var recurrencePeriod = 86_400.0
    /// Defaults.
    public init() {}
}

/// The `[group.threshold]` table.
public struct ThresholdSettings: Sendable, Equatable {
    /// How the alert threshold is set.
    public enum Method: String, Sendable, Equatable, CaseIterable {
        /// SPOT/DSPOT on the score's upper tail.
        case spot
        /// A quantile of recent normal scores.
        case quantile
        /// A fixed value.
        case `static`
    }
    /// Threshold method.
    public var method = Method.spot
    /// SPOT's risk: the probability of exceeding the threshold under normal behaviour.
    public var risk = 1e-4
    /// The quantile for `quantile`.
    public var quantile = 0.999
    /// The threshold for `static`.
    public var value = 10.0
    /// Defaults.
    public init() {}
}

/// The `[group.alerts]` table: how anomalous windows become alert episodes (SPEC §4).
public struct AlertSettings: Sendable, Equatable {
    /// Anomalous windows in a row needed to open an episode.
    public var minConsecutive = 1
    /// Normal windows in a row that resolve an episode.
    public var resolveAfter = 5
    /// Seconds of stream time between `ongoing` messages.
    public var repeatEvery = 300.0
    /// Defaults.
    public init() {}
}
