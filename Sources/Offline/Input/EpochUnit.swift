/// The unit of a CSV file's epoch timestamps, recognised by magnitude.
///
/// The rule, once per file: the first epoch number in the time column decides. Its absolute
/// value below 10¹¹ is seconds (up to the year 5138), below 10¹⁴ milliseconds, below 10¹⁷
/// microseconds, and anything larger nanoseconds. Every epoch number of that file is then read in
/// that unit, so `1700000000000` is 2023-11-14 in a file that starts with milliseconds, and a
/// later value in another unit shows up as time going backwards or out of range (both refused).
public enum EpochUnit: String, Equatable, Sendable {
    case seconds, milliseconds, microseconds, nanoseconds

    /// The unit a file whose first epoch number is `value` is read in.
    public init(firstValue value: Double) {
        switch abs(value) {
        case ..<1e11: self = .seconds
        case ..<1e14: self = .milliseconds
        case ..<1e17: self = .microseconds
        default: self = .nanoseconds
        }
    }

    /// How many of the unit make one second.
    public var perSecond: Double {
        switch self {
        case .seconds: 1
        case .milliseconds: 1e3
        case .microseconds: 1e6
        case .nanoseconds: 1e9
        }
    }
}
