/// Precision, recall and F1 by event: a labelled window is found if any detection falls in it,
/// and a predicted event — a maximal run of consecutive detected rows — is right if it overlaps
/// a labelled window. Every row given is scored: drop NAB's probationary rows (or SKAB's
/// training rows) before counting if the protocol excludes them.
public struct EventMetrics: Equatable, Sendable {
    /// Labelled windows with at least one detection.
    public var detectedWindows = 0
    /// Labelled windows (with at least one row).
    public var windows = 0
    /// Predicted events that overlap a labelled window.
    public var correctEvents = 0
    /// Predicted events.
    public var events = 0

    /// Creates empty counts.
    public init() {}

    /// Counts one file's detections (one per row) against its labelled windows.
    public init(timestamps: [Double], detections: [Bool], windows labelled: [LabelledWindow]) {
        precondition(timestamps.count == detections.count, "one detection flag per row")
        let file = NABDataFile(
            name: "", timestamps: timestamps, anomalyScores: detections.map { $0 ? 1 : 0 }, windows: labelled)
        let ranges = NABScorer.rowRanges(of: file).compactMap { $0 }
        windows = ranges.count
        detectedWindows = ranges.count { range in range.contains { detections[$0] } }
        var index = 0
        while index < detections.count {
            guard detections[index] else {
                index += 1
                continue
            }
            var end = index
            while end + 1 < detections.count, detections[end + 1] { end += 1 }
            events += 1
            if ranges.contains(where: { $0.overlaps(index...end) }) { correctEvents += 1 }
            index = end + 1
        }
    }

    /// Adds another file's counts.
    public mutating func add(_ other: EventMetrics) {
        detectedWindows += other.detectedWindows
        windows += other.windows
        correctEvents += other.correctEvents
        events += other.events
    }

    /// Correct events / events, or 0 with no event.
    public var precision: Double { ratio(correctEvents, events) }
    /// Detected windows / windows, or 0 with no window.
    public var recall: Double { ratio(detectedWindows, windows) }
    /// The harmonic mean of precision and recall.
    public var f1: Double { harmonicMean(precision, recall) }
}
