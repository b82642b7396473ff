import Foundation  // JSONEncoder/JSONDecoder for the model-file metadata (not on the per-point path)

/// Maps a window's raw scores — the reconstruction negative log-likelihood and the latent
/// distance — to one combined score, against their distributions on validation windows: the
/// normalisation that comes before the judge's calibration (``ScoreTail``).
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
            let median = Quantile.ofSorted(sorted, level: 0.5)
            let iqr = Quantile.ofSorted(sorted, level: 0.75)
                - Quantile.ofSorted(sorted, level: 0.25)
            // A flat distribution (IQR 0) still needs a finite unit: a millionth of the median's
            // magnitude, or of 1.
            let floor = 1e-6 * max(abs(median), 1)
            self.init(median: median, scale: max(iqr / 1.349, floor))
        }

        /// The robust z-score of `value`.
        @inline(__always)
        public func standardize(_ value: Double) -> Double { (value - median) / scale }
    }

    /// One window's standardised scores, as the alert reports them.
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
    /// Creates a calibration from fitted scales.
    public init(reconstruction: RobustScale, latent: RobustScale, latentWeight: Double) {
        self.reconstruction = reconstruction
        self.latent = latent
        self.latentWeight = latentWeight
    }

    /// Fits a calibration to the raw scores of validation windows.
    public init(reconstructionNLL: [Double], latentDistance: [Double], latentWeight: Double) {
        self.init(
            reconstruction: RobustScale(fitting: reconstructionNLL),
            latent: RobustScale(fitting: latentDistance),
            latentWeight: latentWeight)
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
