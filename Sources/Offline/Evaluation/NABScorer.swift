#if canImport(Glibc)
import Glibc  // exp
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The Numenta Anomaly Benchmark scoring (Lavin & Ahmad 2015; numenta/NAB `nab/sweeper.py`).
///
/// Per file, the first `min(⌊0.15 n⌋, 0.15 × 5000)` rows are probationary and not scored. Each
/// scored row weighs what a detection there would be worth:
/// - inside a window of width `W` ending at row `r`, row `i` sits at `x = −(r − i + 1) / W`
///   (−1 at the window's first row) and weighs `A_TP · σ(x) / σ(−1)`, where
///   `σ(x) = 2 / (1 + e^{5x}) − 1`; only a window's best (earliest) detection counts, and an
///   undetected window costs `A_FN`;
/// - outside windows, after a window of width `W` ending at row `r`, row `i` sits at
///   `x = (i − r) / (W − 1)` and weighs `A_FP · σ(x)` (σ is −1 beyond `x = 3`); a row before the
///   first window weighs `−A_FP`. Each false-positive row counts.
///
/// Raw scores are normalised between the null detector (never fires: `−A_FN` per window) and
/// the perfect detector (`A_TP` per window, at each window's first row).
public struct NABScorer: Sendable {
    /// The profile whose weights are used.
    public var profile: NABProfile
    /// The probationary fraction of each file (0.15 in NAB).
    public var probationPercent: Double

    /// Creates a scorer.
    public init(profile: NABProfile, probationPercent: Double = 0.15) {
        self.profile = profile
        self.probationPercent = probationPercent
    }

    /// NAB's scaled sigmoid: `2 / (1 + e^{5x}) − 1`, and −1 for `x > 3`.
    public static func scaledSigmoid(_ position: Double) -> Double {
        position > 3 ? -1 : 2 / (1 + exp(5 * position)) - 1
    }

    /// The number of probationary rows of a file of `rowCount` rows.
    public func probationaryLength(rowCount: Int) -> Int {
        let length = min((probationPercent * Double(rowCount)).rounded(.down), probationPercent * 5000)
        return Int(length.rounded(.up))  // rows i < length are probationary
    }

    /// One scored row: its anomaly score, what detecting it is worth, and its window.
    struct Row {
        var anomalyScore: Double
        var weight: Double
        var window: Int?  // corpus-wide window number
    }

    /// The row indices `first...last` each window covers; nil for a window with no rows.
    public static func rowRanges(of file: NABDataFile) -> [ClosedRange<Int>?] {
        file.windows.map { window in
            guard let first = file.timestamps.firstIndex(where: { $0 >= window.start }),
                  let last = file.timestamps.lastIndex(where: { $0 <= window.end }), first <= last
            else { return nil }
            return first...last
        }
    }

    /// Each scored row's detection weight and window (corpus-wide numbers from `firstWindow`).
    func rows(of file: NABDataFile, firstWindow: Int) -> [Row] {
        let maxTruePositive = Self.scaledSigmoid(-1)
        let probation = probationaryLength(rowCount: file.timestamps.count)
        let ranges = Self.rowRanges(of: file)
        var rows: [Row] = []
        rows.reserveCapacity(file.timestamps.count - min(probation, file.timestamps.count))
        var next = 0  // the next window, in time order
        var previous: ClosedRange<Int>?  // the last window that ended before this row
        for index in file.timestamps.indices {
            while next < ranges.count, (ranges[next].map { $0.upperBound < index } ?? true) {
                if let range = ranges[next] { previous = range }
                next += 1
            }
            var weight: Double
            var window: Int?
            if next < ranges.count, let range = ranges[next], range.contains(index) {
                let position = -Double(range.upperBound - index + 1) / Double(range.count)
                weight = Self.scaledSigmoid(position) * profile.truePositiveWeight / maxTruePositive
                window = firstWindow + next
            } else if let previous {
                // NAB divides by (W − 1); a one-row window would divide by zero there, so its
                // distance is counted in rows.
                let position = Double(index - previous.upperBound) / Double(max(previous.count - 1, 1))
                weight = Self.scaledSigmoid(position) * profile.falsePositiveWeight
            } else {
                weight = -profile.falsePositiveWeight
            }
            if index >= probation {
                rows.append(Row(anomalyScore: file.anomalyScores[index], weight: weight, window: window))
            }
        }
        return rows
    }

    /// The score at every distinct threshold, from "nothing detected" down to the lowest anomaly
    /// score, summed over `files`.
    public func thresholdScores(of files: [NABDataFile]) -> [NABThresholdScore] {
        var rows: [Row] = []
        var windowCount = 0
        for file in files {
            rows += self.rows(of: file, firstWindow: windowCount)
            windowCount += file.windows.count
        }
        rows.sort { $0.anomalyScore > $1.anomalyScore }

        // Every window with a scored row starts as a miss; the best detection replaces that.
        var windowParts = [Double?](repeating: nil, count: windowCount)
        for row in rows { if let window = row.window { windowParts[window] = -profile.falseNegativeWeight } }
        var total = windowParts.reduce(0) { $0 + ($1 ?? 0) }
        var counts = (tp: 0, tn: rows.count { $0.window == nil }, fp: 0, fn: rows.count { $0.window != nil })

        var threshold = max(1.1, (rows.first?.anomalyScore ?? 0).nextUp)
        var scores: [NABThresholdScore] = []
        func save() {
            scores.append(NABThresholdScore(
                threshold: threshold, score: total, truePositives: counts.tp, trueNegatives: counts.tn,
                falsePositives: counts.fp, falseNegatives: counts.fn))
        }
        for row in rows {
            if row.anomalyScore != threshold {
                save()
                threshold = row.anomalyScore
            }
            if let window = row.window {
                counts.tp += 1
                counts.fn -= 1
                let part = windowParts[window]!
                if row.weight > part {
                    total += row.weight - part
                    windowParts[window] = row.weight
                }
            } else {
                counts.fp += 1
                counts.tn -= 1
                total += row.weight
            }
        }
        save()
        return scores
    }

    /// The raw score with detections at `anomalyScore >= threshold`.
    public func score(_ files: [NABDataFile], threshold: Double) -> NABThresholdScore {
        let scores = thresholdScores(of: files)
        // Thresholds descend; the last one not below `threshold` has the same detections.
        return scores.last { $0.threshold >= threshold } ?? scores[0]
    }

    /// The threshold with the highest summed score (the highest such threshold on ties).
    public func optimize(_ files: [NABDataFile]) -> NABThresholdScore {
        thresholdScores(of: files).reduce(nil) { best, candidate in
            guard let best else { return candidate }
            return candidate.score > best.score ? candidate : best
        }!
    }

    /// The perfect detector's raw score: `A_TP` for every labelled window.
    public func perfectScore(_ files: [NABDataFile]) -> Double {
        Double(files.reduce(0) { $0 + $1.windows.count }) * profile.truePositiveWeight
    }

    /// The null detector's raw score: `−A_FN` for every window with a scored row.
    public func nullScore(_ files: [NABDataFile]) -> Double {
        thresholdScores(of: files)[0].score
    }

    /// `100 × (raw − null) / (perfect − null)`, or 0 when there is no window to find.
    public func normalize(_ raw: Double, files: [NABDataFile]) -> Double {
        let null = nullScore(files)
        let perfect = perfectScore(files)
        guard perfect > null else { return 0 }
        return 100 * (raw - null) / (perfect - null)
    }

    /// Optimises the threshold over `files` and normalises the result.
    public func evaluate(_ files: [NABDataFile]) -> NABResult {
        let best = optimize(files)
        return NABResult(profile: profile, best: best, normalizedScore: normalize(best.score, files: files))
    }

    /// Evaluates `files` under each profile (NAB's three by default).
    public static func evaluate(
        _ files: [NABDataFile], profiles: [NABProfile] = NABProfile.all, probationPercent: Double = 0.15
    ) -> [NABResult] {
        profiles.map { NABScorer(profile: $0, probationPercent: probationPercent).evaluate(files) }
    }
}
