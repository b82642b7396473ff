/// How one model group detects anomalies: the `[[group]]` table of docs/DESIGN.md §5.
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
    public var window = 128
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
    public var hidden = [64, 32]
    /// Latent dimension.
    public var latent = 4
    /// Weight of the KL term in the ELBO.
    public var beta = 1.0
    /// Whether the model is conditioned on the time of day and the day of the week of each
    /// window (``TimeContext``): it then learns what the series does at that hour and on that day.
    /// Off by default: measured, it lost 2.6 NAB points (a model trained on its first days sees
    /// week phases it never saw vary) and halved, but did not remove, the surprise of a daily
    /// event it sees a dozen times in its reservoir (docs/QUALITY.md).
    public var timeContext = false
    /// The condition values per window this setting gives the network.
    public var conditions: Int { timeContext ? TimeContext.count : 0 }
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
    /// Retrain after this many seconds of stream time or this many new windows, whichever
    /// comes first: a slow series is retrained daily, a fast one before its reservoir turns
    /// over.
    case whicheverFirst(seconds: Double, windows: Int)
}

/// The `[group.training]` table.
public struct TrainingSettings: Sendable, Equatable {
    /// Windows seen before the first training.
    public var minWindows = 200
    /// Stream time, in seconds, the windows of a slot must span before its first model: a day,
    /// so that the first model has seen a whole daily cycle. A model trained on part of a cycle
    /// takes the rest of it for anomalies; until then the cold-start check judges. A slot whose
    /// reservoir fills sooner (a fast series, many series in a shared group) trains once it is
    /// full: the reservoir can hold no longer span.
    public var minHistory = 86_400.0
    /// Capacity of the reservoir of recent normal windows used for training.
    public var reservoir = 4000
    /// Retraining schedule: daily, or every 1,000 windows when those come sooner. A model goes
    /// stale as a series drifts, and a stale model takes the drift for anomalies (an hourly
    /// series with a trend, retrained every 1,000 windows — 41 days — alerted on it); a
    /// retraining costs in proportion to the windows it has to learn (``retrainPasses``), so
    /// retraining often is not dearer.
    public var retrainEvery = RetrainSchedule.whicheverFirst(seconds: 86_400, windows: 1000)
    /// Maximum training epochs of the first model (early stopping may end sooner).
    public var epochs = 30
    /// Training passes per new window in a retraining, which warm-starts from the running
    /// model: it has only the windows that arrived since to learn. It trains for 5 epochs on a
    /// random sample of the reservoir a fifth of this times the new windows (all of it when that
    /// is more), so training costs the same per window whatever the schedule, and old windows
    /// are rehearsed with the new. 20 passes cost a sixth of retraining for 30 epochs and scored
    /// the same on NAB (docs/QUALITY.md).
    public var retrainPasses = 20
    /// Networks trained per training run, each from its own seed on the same windows; the judge
    /// averages their evidence (``Judge``). One network's verdicts depend on its seed (NAB moved
    /// by 5 points between seeds); the mean of three varies far less and is better on average.
    public var ensemble = 3
    /// Mini-batch size.
    public var batch = 64
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
    public var recentSteps = 1
    /// Whether windows are judged before their model slot's first model, by the judge's
    /// ``ColdStartCheck``; off, they score 0 and never alert until then.
    public var coldStart = true
    /// Defaults.
    public init() {}
}

/// The `[group.threshold]` table: how rare a window must be to be anomalous.
public struct ThresholdSettings: Sendable, Equatable {
    /// False alarms accepted per series and day (``FalseAlarmRate``): a window is anomalous when
    /// normal data shows one as rare less often than that. The default, 10⁻⁴, is one false alarm
    /// a day across 10,000 series — a 5σ event of Gaussian noise at a 5-minute step.
    public var falseAlarmsPerDay = 1e-4
    /// Defaults.
    public init() {}
}

/// The `[group.alerts]` table: how anomalous windows become alert episodes (docs/DESIGN.md §4).
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
