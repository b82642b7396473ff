/// A NAB application profile: the weights of true positives, false positives and false
/// negatives (numenta/NAB `config/profiles.json`). True negatives carry no score.
public struct NABProfile: Codable, Equatable, Hashable, Sendable {
    /// The profile's name as NAB writes it.
    public var name: String
    /// A_TP: the most a detected window can add (an early detection).
    public var truePositiveWeight: Double
    /// A_FP: the most one false-positive point can subtract.
    public var falsePositiveWeight: Double
    /// A_FN: what a missed window subtracts.
    public var falseNegativeWeight: Double
    /// A_TN: listed for completeness; NAB does not score true negatives.
    public var trueNegativeWeight: Double

    /// Creates a profile.
    public init(
        name: String, truePositiveWeight: Double, falsePositiveWeight: Double,
        falseNegativeWeight: Double, trueNegativeWeight: Double = 1
    ) {
        self.name = name
        self.truePositiveWeight = truePositiveWeight
        self.falsePositiveWeight = falsePositiveWeight
        self.falseNegativeWeight = falseNegativeWeight
        self.trueNegativeWeight = trueNegativeWeight
    }

    /// `standard`: A_TP 1, A_FP 0.11, A_FN 1.
    public static let standard = NABProfile(
        name: "standard", truePositiveWeight: 1, falsePositiveWeight: 0.11, falseNegativeWeight: 1)
    /// `reward_low_FP_rate`: A_TP 1, A_FP 0.22, A_FN 1.
    public static let rewardLowFalsePositives = NABProfile(
        name: "reward_low_FP_rate", truePositiveWeight: 1, falsePositiveWeight: 0.22, falseNegativeWeight: 1)
    /// `reward_low_FN_rate`: A_TP 1, A_FP 0.11, A_FN 2.
    public static let rewardLowFalseNegatives = NABProfile(
        name: "reward_low_FN_rate", truePositiveWeight: 1, falsePositiveWeight: 0.11, falseNegativeWeight: 2)

    /// The three published profiles, in NAB's order.
    public static let all: [NABProfile] = [.standard, .rewardLowFalsePositives, .rewardLowFalseNegatives]
}
