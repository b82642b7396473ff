/// The alert threshold, set as the false alarms an operator accepts per series and day
/// (`group.threshold.false_alarms_per_day`) rather than as a raw score.
///
/// A series scored every `step × stride` seconds is judged `86 400 / (step × stride)` times a day,
/// so a window is anomalous when its tail probability is below
/// `q = falseAlarmsPerDay × step × stride / 86 400`: on normal data that many windows a day cross
/// it, and no more episodes open than windows cross (the episodes of ``AlertTracker`` group runs
/// of them). `q` is capped at ½, where a "rare" window stops meaning anything.
public struct FalseAlarmRate: Equatable, Sendable {
    /// Accepted false alarms per series and day.
    public var perDay: Double

    /// A rate of `perDay` (> 0) false alarms per series and day.
    public init(perDay: Double) {
        precondition(perDay > 0 && perDay.isFinite, "the false-alarm rate must be positive")
        self.perDay = perDay
    }

    /// The tail probability below which a window of a series judged every `interval` seconds
    /// (its step times the group's stride) is anomalous.
    public func probability(interval: Double) -> Double {
        guard interval > 0, interval.isFinite else { return min(perDay, 0.5) }
        return min(perDay * interval / 86_400, 0.5)
    }
}
