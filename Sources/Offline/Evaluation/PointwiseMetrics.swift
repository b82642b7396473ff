/// Precision, recall and F1 over points: SKAB's outlier-detection metric, where each scored row
/// is predicted anomalous or not and compared with its `anomaly` label.
public struct PointwiseMetrics: Equatable, Sendable {
    /// Rows predicted and labelled anomalous.
    public var truePositives = 0
    /// Rows predicted anomalous but labelled normal.
    public var falsePositives = 0
    /// Rows labelled anomalous but not predicted.
    public var falseNegatives = 0
    /// Rows neither predicted nor labelled.
    public var trueNegatives = 0

    /// Creates empty counts.
    public init() {}

    /// Counts `predicted` against `actual`, row by row (the two have the same length).
    public init(predicted: [Bool], actual: [Bool]) {
        precondition(predicted.count == actual.count, "one prediction per label")
        for (guess, truth) in zip(predicted, actual) { add(predicted: guess, actual: truth) }
    }

    /// Adds one row.
    public mutating func add(predicted: Bool, actual: Bool) {
        switch (predicted, actual) {
        case (true, true): truePositives += 1
        case (true, false): falsePositives += 1
        case (false, true): falseNegatives += 1
        case (false, false): trueNegatives += 1
        }
    }

    /// Adds another file's counts (SKAB sums counts over files before taking the ratios).
    public mutating func add(_ other: PointwiseMetrics) {
        truePositives += other.truePositives
        falsePositives += other.falsePositives
        falseNegatives += other.falseNegatives
        trueNegatives += other.trueNegatives
    }

    /// TP / (TP + FP), or 0 with no positive prediction.
    public var precision: Double { ratio(truePositives, truePositives + falsePositives) }
    /// TP / (TP + FN), or 0 with no positive label.
    public var recall: Double { ratio(truePositives, truePositives + falseNegatives) }
    /// The harmonic mean of precision and recall, or 0 when both are 0.
    public var f1: Double { harmonicMean(precision, recall) }
}

/// `numerator / denominator`, or 0 for an empty denominator.
func ratio(_ numerator: Int, _ denominator: Int) -> Double {
    denominator == 0 ? 0 : Double(numerator) / Double(denominator)
}

/// `2pr / (p + r)`, or 0 when both are 0.
func harmonicMean(_ p: Double, _ r: Double) -> Double {
    p + r == 0 ? 0 : 2 * p * r / (p + r)
}
