import Foundation  // JSONEncoder/JSONDecoder for the model-file metadata (not on the per-point path)

/// Maps a window's raw scores — the reconstruction negative log-likelihood and the latent
/// distance — to one calibrated score, against their distributions on validation windows.
///
/// Each raw score becomes a robust z-score `(x − median) / (IQR / 1.349)` (the IQR scaled to a
/// normal standard deviation, so 1 means "one typical deviation above the usual"), measured on
/// the validation windows; the two are combined as
/// `score = reconstruction + latentWeight × latent`. The same calibration is stored in the
/// model file (``jsonString()``), so a reloaded model scores exactly as before.
public struct ScoreCalibration: Codable, Equatable, Sendable {
    /// A robust location and scale of one raw score's distribution.
    public struct RobustScale: Codable, Equatable, Sendable {
        /// The median of the raw score on validation windows.
        public var median: Double
        /// The interquartile range divided by 1.349, floored to stay positive.
        public var scale: Double

        /// Creates a scale from its median and (positive) scale.
        public init(median: Double, scale: Double) {
            self.median = median
            self.scale = scale
        }

        /// Measures `values` (non-finite ones are ignored; none at all gives median 0, scale 1).
        public init(fitting values: [Double]) {
            let sorted = values.filter(\.isFinite).sorted()
            guard !sorted.isEmpty else {
                self.init(median: 0, scale: 1)
                return
            }
            let median = QuantileThreshold.quantile(ofSorted: sorted, level: 0.5)
            let iqr = QuantileThreshold.quantile(ofSorted: sorted, level: 0.75)
                - QuantileThreshold.quantile(ofSorted: sorted, level: 0.25)
            // A flat distribution (IQR 0) still needs a finite unit: a millionth of the median's
            // magnitude, or of 1.
            let floor = 1e-6 * max(abs(median), 1)
            self.init(median: median, scale: max(iqr / 1.349, floor))
        }

        /// The robust z-score of `value`.
        @inline(__always)
        public func standardize(_ value: Double) -> Double { (value - median) / scale }
    }

    /// One window's calibrated scores, ready for the threshold and the alert.
    public struct Components: Equatable, Sendable {
        /// The calibrated reconstruction score.
        public var reconstruction: Double
        /// The calibrated latent score, already multiplied by the latent weight.
        public var latent: Double
        /// Their sum: the score compared with the threshold.
        public var combined: Double { reconstruction + latent }
    }

    /// The reconstruction NLL's distribution on validation windows.
    public var reconstruction: RobustScale
    /// The latent distance's distribution on validation windows.
    public var latent: RobustScale
    /// The weight of the latent score in the combined score (`group.scoring.latent_weight`).
    public var latentWeight: Double
    /// The smallest ``meanStepChange(_:mask:windowSize:fields:)`` among the training windows: how
    /// still the newest steps of a normal window ever were, in scaled units. Nil in model files
    /// written before the flat-line check (which is then off).
    public var flatFloor: Double?

    /// Creates a calibration from fitted scales.
    public init(reconstruction: RobustScale, latent: RobustScale, latentWeight: Double, flatFloor: Double? = nil) {
        self.reconstruction = reconstruction
        self.latent = latent
        self.latentWeight = latentWeight
        self.flatFloor = flatFloor
    }

    /// Fits a calibration to the raw scores of validation windows (and, given the step changes of
    /// the training windows, the flat-line floor: their minimum).
    public init(reconstructionNLL: [Double], latentDistance: [Double], latentWeight: Double,
                stepChanges: [Double] = []) {
        self.init(
            reconstruction: RobustScale(fitting: reconstructionNLL),
            latent: RobustScale(fitting: latentDistance),
            latentWeight: latentWeight,
            flatFloor: stepChanges.filter(\.isFinite).min())
    }

    /// Calibrates one window's raw scores.
    @inline(__always)
    public func components(reconstructionNLL: Double, latentDistance: Double) -> Components {
        Components(
            reconstruction: reconstruction.standardize(reconstructionNLL),
            latent: latentWeight * latent.standardize(latentDistance))
    }

    /// The combined calibrated score of one window.
    @inline(__always)
    public func score(reconstructionNLL: Double, latentDistance: Double) -> Double {
        components(reconstructionNLL: reconstructionNLL, latentDistance: latentDistance).combined
    }

    // MARK: Flat-lines

    /// A series that suddenly stops moving is predictable from its own flat context, so the
    /// reconstruction score misses it. The flat-line check measures stillness directly: the mean
    /// absolute change between consecutive newest steps (``flatSpan(window:)`` of them, in scaled
    /// units, so relative to the series' robust scale), against the stillest normal window of
    /// training (``flatFloor``). A series that is often flat in training (a constant series, a
    /// counter idle at 0, a square wave) has a floor of 0 and never trips it.

    /// The newest steps whose stillness is measured: a quarter of the window, at least 4.
    public static func flatSpan(window: Int) -> Int { min(max(window / 4, 4), window) }

    /// Changes below this (in robust-scale units) count as no change at all.
    public static let stillness = 1e-4

    /// How many times stiller than any training window the newest steps are, on a log₁₀ scale:
    /// `log₁₀((floor + ε) / (change + ε))` with ε = ``stillness``; 1 means ten times stiller.
    /// 0 when there is no floor or the steps move at least as much as the floor.
    public func flatSeverity(stepChange change: Double) -> Double {
        guard let floor = flatFloor, change.isFinite, change < floor else { return 0 }
        return log10((floor + Self.stillness) / (change + Self.stillness))
    }

    /// The mean absolute change between consecutive observed steps among the newest `span`
    /// steps of one normalised window, averaged over fields; infinity when no pair is observed.
    /// x and mask are (window × fields), oldest step first.
    public static func meanStepChange(_ x: UnsafePointer<Float>, mask: UnsafePointer<Float>, window: Int,
                                      fields F: Int, span: Int) -> Double {
        var sum = 0.0, pairs = 0
        for t in max(window - span + 1, 1)..<window {
            for f in 0..<F where mask[t * F + f] > 0 && mask[(t - 1) * F + f] > 0 {
                sum += Double(abs(x[t * F + f] - x[(t - 1) * F + f]))
                pairs += 1
            }
        }
        return pairs > 0 ? sum / Double(pairs) : .infinity
    }

    /// How far past the threshold a score is: `score / threshold` for a positive threshold
    /// (SPEC §4's severity), else `1 + score − threshold` (still 1 at the threshold).
    @inline(__always)
    public static func severity(score: Double, threshold: Double) -> Double {
        threshold > 0 ? score / threshold : 1 + score - threshold
    }

    /// The score whose ``severity(score:threshold:)`` is `severity`: its inverse.
    @inline(__always)
    public static func score(severity: Double, threshold: Double) -> Double {
        threshold > 0 ? severity * threshold : threshold + severity - 1
    }

    /// The anomaly score in [0, 1] reported per row by `anomalyd detect`:
    /// `s⁴ / (1 + s⁴)` of the severity `s` (clamped at 0), so it is 0.5 exactly at the threshold,
    /// rises monotonically with the score (≈ 0.82 at 1.46× the threshold, ≈ 0.94 at 2×), and
    /// sweeping it as NAB does is sweeping multiples of the live threshold.
    @inline(__always)
    public static func anomalyScore(score: Double, threshold: Double) -> Double {
        let s = severity(score: score, threshold: threshold)
        guard s.isFinite else { return s > 0 ? 1 : 0 }
        guard s > 0 else { return 0 }
        let s2 = s * s
        let s4 = s2 * s2
        return s4.isFinite ? s4 / (1 + s4) : 1
    }

    /// The calibration as a compact JSON string, for the model file's `__metadata__`.
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Reads a calibration written by ``jsonString()``.
    public init(jsonString: String) throws {
        self = try JSONDecoder().decode(ScoreCalibration.self, from: Data(jsonString.utf8))
    }
}
