/// SPOT and DSPOT: a threshold from extreme value theory (Siffer et al., "Anomaly Detection in
/// Streams with Extreme Value Theory", KDD 2017).
///
/// Calibration scores set an initial threshold `t` at a high empirical quantile (`initialLevel`);
/// their excesses over `t` (the peaks) are fitted with a generalized Pareto distribution, which
/// gives the score exceeded with probability `risk`:
/// `z = t + σ/ξ · ((risk · n / Nₜ)^(−ξ) − 1)` for `n` scores seen and `Nₜ` peaks among them.
/// Online, a score above `z` is anomalous and is not learnt from; a score between `t` and `z` is
/// a new peak and the GPD is refitted (see ``Configuration/refitFraction``); any other score only
/// increments `n`.
///
/// DSPOT (a `depth` is set) runs the same on the drift-corrected score `x − M`, where `M` is the
/// mean of the last `depth` non-anomalous scores, and reports `z + M`.
///
/// As in the paper, anomalies are not learnt from, so the peaks are trimmed at `z`: the fitted
/// tail is a little lighter than the true one and the alarm rate a little above `risk`, the more
/// so when `risk` is not small against `1 − initialLevel` or the calibration holds few peaks
/// (≥ 200, i.e. ≥ 10 000 calibration scores at the default level, is a good start).
///
/// Memory is bounded: at most `maximumPeaks` most recent peaks (8 bytes each) and `depth` scores
/// are kept; `n` and `Nₜ` count every score and peak ever seen, so the exceedance rate stays
/// right while the fit follows the recent tail.
public struct SpotThreshold: AnomalyThreshold, Codable, Equatable {
    /// Parameters of SPOT/DSPOT.
    public struct Configuration: Codable, Equatable, Sendable {
        /// The probability of a normal score exceeding the threshold (the paper's q), e.g. 1e-4.
        public var risk: Double
        /// The empirical quantile level of the calibration scores that sets the initial threshold.
        public var initialLevel: Double
        /// The most peaks retained for the fit.
        public var maximumPeaks: Int
        /// DSPOT's moving-mean depth, or nil for plain SPOT.
        public var depth: Int?
        /// The GPD is refitted once the peaks added since the last fit reach this fraction of
        /// the retained peaks (at least one); 0 refits on every peak as in the paper. Between
        /// fits the quantile still follows `n` and `Nₜ`. A fit costs a few hundred passes over the
        /// peaks, so the default 0.1 keeps the amortised cost per peak at ~10 passes: at 100,000 windows
        /// a second the refits at 0.02 took a sixth of the daemon's time (`anomalyd-bench e2e` under perf),
        /// and 10% more peaks barely move a fit over up to `maximumPeaks` of them.
        public var refitFraction: Double

        /// Creates a configuration; the defaults follow the paper (level 0.98) with a bounded
        /// peak set.
        public init(
            risk: Double = 1e-4, initialLevel: Double = 0.98, maximumPeaks: Int = 1000, depth: Int? = nil,
            refitFraction: Double = 0.1
        ) {
            precondition(risk > 0 && risk < 1, "the risk must be in (0, 1)")
            precondition(initialLevel > 0 && initialLevel < 1, "the initial level must be in (0, 1)")
            precondition(maximumPeaks >= 1, "at least one peak must be retained")
            precondition(depth.map { $0 >= 1 } ?? true, "the DSPOT depth must be positive")
            self.risk = risk
            self.initialLevel = initialLevel
            self.maximumPeaks = maximumPeaks
            self.depth = depth
            self.refitFraction = max(refitFraction, 0)
        }
    }

    /// Why a SPOT threshold could not be initialised.
    public enum InitializationError: Error, Equatable {
        /// Fewer finite calibration scores than needed (`needed`, `got`).
        case tooFewScores(needed: Int, got: Int)
    }

    /// The configuration it was built with.
    public let configuration: Configuration
    /// The initial threshold `t` on (drift-corrected) scores.
    public private(set) var initialThreshold: Double
    /// The fitted distribution of excesses over ``initialThreshold``.
    public private(set) var distribution: GeneralizedPareto
    /// The extreme quantile `z` on (drift-corrected) scores.
    public private(set) var extremeQuantile: Double
    /// Scores seen (calibration and online, anomalies excluded).
    public private(set) var observedCount: Double
    /// Peaks seen among them.
    public private(set) var peakCount: Double

    private var peaks: [Double]  // a ring of the most recent excesses
    private var nextPeak = 0
    private var recent: [Double]  // DSPOT: a ring of the last `depth` normal scores
    private var nextRecent = 0
    private var peaksSinceFit = 0
    /// Refits since the last full root scan; optional so that states saved before it decode.
    private var refitsSinceFullScan: Int?

    /// One refit in this many scans for the GPD's roots from scratch (see ``refit(force:)``).
    static let fullScanEvery = 7

    /// Fewest calibration scores accepted (after DSPOT's `depth`).
    public static let minimumCalibrationCount = 20

    /// Initialises SPOT (or DSPOT) from calibration scores of normal data, in stream order.
    /// - Throws: ``InitializationError/tooFewScores(needed:got:)`` with fewer than
    ///   ``minimumCalibrationCount`` finite scores after the DSPOT depth.
    public init(configuration: Configuration, calibration: [Double]) throws {
        self.configuration = configuration
        let scores = calibration.filter(\.isFinite)
        let depth = configuration.depth ?? 0
        let needed = Self.minimumCalibrationCount + depth
        guard scores.count >= needed else { throw InitializationError.tooFewScores(needed: needed, got: scores.count) }

        // DSPOT works on x_i − mean(x_{i−d} … x_{i−1}).
        var corrected: [Double] = []
        corrected.reserveCapacity(scores.count - depth)
        if depth > 0 {
            var sum = scores[0..<depth].reduce(0, +)
            for index in depth..<scores.count {
                corrected.append(scores[index] - sum / Double(depth))
                sum += scores[index] - scores[index - depth]
            }
            recent = Array(scores[(scores.count - depth)...])
        } else {
            corrected = scores
            recent = []
        }

        let sorted = corrected.sorted()
        let threshold = sorted[min(Int(configuration.initialLevel * Double(sorted.count)), sorted.count - 1)]
        initialThreshold = threshold
        // Peaks are kept in stream order, so the ring forgets the oldest first.
        peaks = Array(corrected.filter { $0 > threshold }.map { $0 - threshold }.suffix(configuration.maximumPeaks))
        observedCount = Double(corrected.count)
        peakCount = Double(corrected.lazy.filter { $0 > threshold }.count)
        distribution = GeneralizedPareto(shape: 0, scale: 1)
        extremeQuantile = threshold
        refit(force: true)
    }

    /// The moving mean DSPOT subtracts, or 0 for SPOT.
    public var drift: Double {
        guard !recent.isEmpty else { return 0 }
        return recent.reduce(0, +) / Double(recent.count)
    }

    /// The current threshold on raw scores: `z`, plus the drift for DSPOT.
    public var current: Double { extremeQuantile + drift }

    /// The peaks currently retained, oldest first.
    public var retainedPeaks: [Double] {
        Array(peaks[nextPeak...] + peaks[..<nextPeak])
    }

    public mutating func observe(_ score: Double) -> Bool {
        guard score.isFinite else { return false }
        let drift = self.drift
        let corrected = score - drift
        if corrected > extremeQuantile { return true }
        observedCount += 1
        if corrected > initialThreshold {
            addPeak(corrected - initialThreshold)
            peakCount += 1
            peaksSinceFit += 1
            refit(force: false)
        }
        if let depth = configuration.depth {
            if recent.count < depth {
                recent.append(score)
            } else {
                recent[nextRecent] = score
                nextRecent = (nextRecent + 1) % depth
            }
        }
        return false
    }

    private mutating func addPeak(_ excess: Double) {
        if peaks.count < configuration.maximumPeaks {
            peaks.append(excess)
        } else {
            peaks[nextPeak] = excess
            nextPeak = (nextPeak + 1) % configuration.maximumPeaks
        }
    }

    private mutating func refit(force: Bool) {
        guard !peaks.isEmpty, peakCount > 0 else {
            // No excess at all: nothing above t was ever normal, so t itself is the boundary.
            extremeQuantile = initialThreshold
            return
        }
        if force || Double(peaksSinceFit) >= max(1, configuration.refitFraction * Double(peaks.count)) {
            // Mostly a refit started from the last fit (a few passes over the peaks rather than
            // the full root scan's ~90: the full scans were a tenth of the daemon's hot path at
            // 100,000 windows/s, and each a millisecond-long stall); every `fullScanEvery`-th
            // refit a full scan. The count is part of the saved state, so a restored threshold
            // refits exactly as an uninterrupted one.
            let refits = (refitsSinceFullScan ?? 0) + 1
            let fullScan = force || refits >= Self.fullScanEvery
            distribution = fullScan ? GeneralizedPareto.fit(excesses: peaks)
                : GeneralizedPareto.fit(excesses: peaks, near: distribution)
            refitsSinceFullScan = fullScan ? 0 : refits
            peaksSinceFit = 0
        }
        // The probability of exceeding z given an exceedance of t: q · n / Nₜ (capped at 1).
        let conditional = min(configuration.risk * observedCount / peakCount, 1)
        let excess = distribution.excess(exceededWithProbability: conditional)
        extremeQuantile = initialThreshold + (excess.isFinite ? max(excess, 0) : 0)
    }
}
