#if canImport(Glibc)
import Glibc  // log, expm1
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one judge: every verdict of the daemon, of `anomalyd detect` and of `anomalyd score` is
/// reached here, from a window's model outputs to its published anomaly score and its alert
/// episode. The detector only hands it what the model and the window say, and carries out what
/// it decides (the message, the training reservoir).
///
/// The stages, in order, each a piece of its own with its own tests:
/// 1. **Model evidence** — a tail probability by the window's own evidence. With a model: the
///    geometric mean over its ensemble members of each one's combined score
///    (``ScoreCalibration``) against its training windows (``ScoreTail``).
///    Before the slot's first model: the ``ColdStartCheck``'s spike test.
/// 2. **Calibration** — that evidence `e = −ln p` recalibrated against the evidence the stream has
///    shown on normal windows (``EvidenceTail``: one per model, one for the cold start).
/// 3. **Range** — with a model, the newest value against the series' training range
///    (``RangeEvidence``), whose claim the stream checks too (``RangeEvidence/Calibration``); the
///    two calibrated probabilities combine as the stronger, doubled. Each is corrected by what the
///    stream showed of its own claim: an overconfident model does not weaken the range test,
///    nor a trending series the model's.
/// 4. **Threshold** — anomalous when the combined probability is below the false-alarm rate's
///    `q` (``FalseAlarmRate``), for the series' own step.
/// 5. **Onset** — the published probability discounts an incident's peak (``OnsetGate``), so an
///    incident is reported at its start, not again for every window that continues it.
/// 6. **Episodes** — ``AlertTracker``: open on an anomalous onset, ongoing, resolved.
///
/// A window judged normal teaches the calibration; an anomalous one does not (as in SPOT), so
/// anomalies never make the judge more tolerant of themselves.
///
/// The published `anomaly_score` is `1 − p′` with `p′` the onset-gated probability: a score of `s`
/// means that at most about a `1 − s` share of normal windows score higher.
public struct Judge: Sendable {
    /// The accepted false alarms per series and day.
    public let falseAlarms: FalseAlarmRate
    /// The onset gate's span in windows: the window length over the stride (at least 1).
    public let onsetSpan: Int
    /// The group's stride: windows are judged every `stride` steps.
    public let stride: Int
    /// When episodes open, repeat and resolve.
    public let alerts: AlertTracker.Configuration

    /// The judge's learning state for one model slot, carried by the slot.
    public struct SlotState: Sendable, Equatable {
        /// The model's evidence recalibration: a new one with every model.
        public var model = EvidenceTail()
        /// The range test's claim checked on the model's windows: a new one with every model.
        public var range = RangeEvidence.Calibration()
        /// The cold-start check's evidence recalibration, before the first model.
        public var coldStart = EvidenceTail()

        /// A slot's state before any window.
        public init() {}
    }

    /// A judge for windows of `window` steps scored every `stride` steps, at `falseAlarms`, with
    /// episodes by `alerts`.
    public init(falseAlarms: FalseAlarmRate, window: Int, stride: Int, alerts: AlertTracker.Configuration) {
        self.falseAlarms = falseAlarms
        self.stride = max(stride, 1)
        self.alerts = alerts
        onsetSpan = max(window / max(stride, 1), 1)
    }

    /// A judge with the settings of `configuration`.
    public init(_ configuration: GroupConfiguration) {
        self.init(
            falseAlarms: FalseAlarmRate(perDay: configuration.threshold.falseAlarmsPerDay),
            window: configuration.window, stride: configuration.stride,
            alerts: AlertTracker.Configuration(
                minConsecutive: configuration.alerts.minConsecutive, resolveAfter: configuration.alerts.resolveAfter,
                repeatEvery: configuration.alerts.repeatEvery))
    }

    // MARK: - Verdicts

    /// Judges a window scored by a model.
    /// - Parameters:
    ///   - modelLogTail: ``modelLogTail(nll:distance:stride:members:)`` of the window.
    ///   - beyondRange: ``RangeEvidence/logTail(newest:observed:fields:range:)`` of its newest step.
    ///   - rangeClaim: ``RangeEvidence/logClaim(fields:range:)`` of its series.
    ///   - state: the slot's learning state.
    ///   - onset: the series' ``OnsetGate`` memory.
    ///   - step: the series' step in seconds.
    public func verdict(modelLogTail first: Double, beyondRange: Double, rangeClaim: Double,
                        state: inout SlotState, onset: UnsafeMutablePointer<Float>, step: Double) -> Verdict {
        let range = state.range.corrected(beyondRange, logLevel: logThreshold(step: step))
        state.range.count(beyond: beyondRange < 0, logClaim: rangeClaim)
        return verdict(firstStage: first, range: range, calibration: &state.model, onset: onset, step: step)
    }

    /// Judges a window before its slot's first model, by the ``ColdStartCheck``'s `logTail`.
    public func coldStartVerdict(logTail first: Double, state: inout SlotState, onset: UnsafeMutablePointer<Float>,
                                 step: Double) -> Verdict {
        verdict(firstStage: first, range: nil, calibration: &state.coldStart, onset: onset, step: step)
    }

    /// Stage 1 with a model: the ensemble's consensus, `ln p̄ = mean_k ln P_k(C ≥ c_k)` — the
    /// geometric mean of the members' tail probabilities, each the member's combined score `c_k`
    /// (``ScoreCalibration``) against its own training windows (``ScoreTail``). A member whose
    /// score is not a number contributes probability 1.
    ///
    /// The geometric mean is no longer an exact tail probability (the members' errors are
    /// neither independent nor identical); stage 2 (``EvidenceTail``) measures what it means on
    /// the stream, as it does for one member's. What averaging buys is that one seed's quirks —
    /// a window one network happens to reconstruct badly — no longer decide a verdict.
    /// - Parameters:
    ///   - nll: the members' raw reconstruction NLLs of the window, `stride` apart.
    ///   - distance: their raw latent distances, likewise.
    ///   - members: the model's members, in the same order.
    @inline(__always)
    public static func modelLogTail(nll: UnsafePointer<Float>, distance: UnsafePointer<Float>, stride: Int,
                                    members: [TrainedModel.Member]) -> Double {
        var sum = 0.0
        for (m, member) in members.enumerated() {
            let score = member.calibration.score(reconstructionNLL: Double(nll[m * stride]),
                                                 latentDistance: Double(distance[m * stride]))
            sum += score.isNaN ? 0 : min(member.scoreTail.logSurvival(score), 0)
        }
        return sum / Double(max(members.count, 1))
    }

    /// The members' mean standardised scores of a window, as an alert reports them.
    public static func components(nll: UnsafePointer<Float>, distance: UnsafePointer<Float>, stride: Int,
                                  members: [TrainedModel.Member]) -> ScoreCalibration.Components {
        var reconstruction = 0.0, latent = 0.0
        for (m, member) in members.enumerated() {
            let parts = member.calibration.components(reconstructionNLL: Double(nll[m * stride]),
                                                      latentDistance: Double(distance[m * stride]))
            reconstruction += parts.reconstruction
            latent += parts.latent
        }
        let M = Double(max(members.count, 1))
        return ScoreCalibration.Components(reconstruction: reconstruction / M, latent: latent / M)
    }

    /// Stages 2–5 from a window's first-stage log tail probability (≤ 0): calibration (which
    /// learns from the window when it is normal), the range evidence (`ln p` of the newest value
    /// beyond the training range, already corrected by its own calibration; nil when there is no
    /// range test), threshold, onset.
    public func verdict(firstStage: Double, range: Double?, calibration: inout EvidenceTail,
                        onset: UnsafeMutablePointer<Float>, step: Double) -> Verdict {
        let evidence = max(-firstStage, 0)
        let calibrated = evidence.isNaN ? 0 : calibration.logSurvival(evidence)
        let logTail = range.map { RangeEvidence.combined(model: calibrated, range: $0) } ?? calibrated
        let logThreshold = logThreshold(step: step)
        let anomalous = logTail < logThreshold
        let published = -OnsetGate.publish(-logTail, memory: onset, span: onsetSpan, level: -logThreshold)
        if !anomalous { calibration.learn(evidence) }
        return Verdict(logTail: logTail, publishedLogTail: published, logThreshold: logThreshold)
    }

    /// `ln q`: the threshold for a series of step `step` seconds, judged every ``stride`` steps.
    @inline(__always)
    public func logThreshold(step: Double) -> Double {
        log(falseAlarms.probability(interval: step * Double(stride)))
    }

    // MARK: - Episodes

    /// Stage 5: feeds a verdict to the series' episode, if it has one or the window is anomalous
    /// (an idle series costs nothing: `tracker` stays nil), and returns the message it causes.
    /// - Parameters:
    ///   - tracker: the series' ``AlertTracker``; set to nil once idle again.
    ///   - seriesKey: the series key, asked for only when a tracker is created.
    ///   - window: the window's span.
    public func episode(_ verdict: Verdict, tracker: inout AlertTracker?, seriesKey: () -> String,
                        window: AlertWindow) -> AlertEvent? {
        guard verdict.isAnomalous || tracker != nil else { return nil }
        var updated = tracker ?? AlertTracker(seriesKey: seriesKey(), configuration: alerts)
        let event = updated.observe(
            isAnomalous: verdict.isAnomalous, isOnset: verdict.isOnset, isUnusual: verdict.isUnusual, score: verdict.score,
            threshold: verdict.threshold, anomalyScore: verdict.anomalyScore, window: window)
        tracker = updated.episode == nil && updated.pendingAnomalous == 0 ? nil : updated
        return event
    }
}

/// The judge's verdict on one window.
public struct Verdict: Equatable, Sendable {
    /// `ln p`: the window's calibrated tail probability.
    public var logTail: Double
    /// `ln p′`: the onset-gated probability that is published (≥ ``logTail``).
    public var publishedLogTail: Double
    /// `ln q`: the threshold's.
    public var logThreshold: Double

    /// Creates a verdict.
    public init(logTail: Double, publishedLogTail: Double, logThreshold: Double) {
        self.logTail = logTail
        self.publishedLogTail = publishedLogTail
        self.logThreshold = logThreshold
    }

    /// The verdict of a window nothing could judge: probability 1, never anomalous.
    public static let unjudged = Verdict(logTail: 0, publishedLogTail: 0, logThreshold: -.infinity)

    /// Whether the window is anomalous: `p < q`.
    public var isAnomalous: Bool { logTail < logThreshold }
    /// Whether it lies in the tail of normal behaviour: `p` below the calibration's tail level
    /// (``ScoreTail/defaultTailLevel``: the top 2 % of normal windows), or below `q` when that is
    /// looser. Such a window holds an open episode open (``AlertTracker``).
    public var isUnusual: Bool { logTail < max(Self.logTailLevel, logThreshold) }
    /// `ln 0.02`: the tail of normal behaviour.
    static let logTailLevel = log(1 - ScoreTail.defaultTailLevel)
    /// Whether it is an anomalous onset: `p′ < q`.
    public var isOnset: Bool { publishedLogTail < logThreshold }
    /// The score, `−log₁₀ p`.
    public var score: Double { -logTail / log(10.0) }
    /// The threshold, `−log₁₀ q`.
    public var threshold: Double { -logThreshold / log(10.0) }
    /// The published anomaly score in [0, 1]: `1 − p′`.
    public var anomalyScore: Double { -expm1(publishedLogTail) }
}
