import Foundation  // String(format:)

/// Where the ticks of a plot's axes go, and what they read: round values on a value axis,
/// round UTC instants on a time axis.
enum PlotTicks {
    /// About `count` round values (1, 2 or 5 × 10ⁿ apart) covering `range`, with their labels.
    static func values(in range: ClosedRange<Double>, count: Int = 5) -> [(value: Double, label: String)] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [(range.lowerBound, label(range.lowerBound))] }
        let raw = span / Double(count)
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        // Multiples of the step, counted in whole steps so no error accumulates.
        let first = (range.lowerBound / step - 1e-9).rounded(.up), last = (range.upperBound / step + 1e-9).rounded(.down)
        guard first <= last else { return [] }
        return stride(from: first, through: last, by: 1).map { k in (k * step + 0, label(k * step + 0)) }  // + 0: no "-0"
    }

    /// A value as a tick reads it: up to 4 significant digits.
    static func label(_ value: Double) -> String { String(format: "%.4g", value) }

    /// Steps a time axis may take, in seconds: 1 s up to a year.
    private static let timeSteps: [Double] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200,
        86_400, 172_800, 604_800, 1_209_600, 2_592_000, 7_776_000, 31_536_000,
    ]

    /// About `count` round UTC instants (multiples of a round step since the epoch, so days
    /// start at midnight) covering `range`, labelled with the date, the time or both as the
    /// step needs.
    static func times(in range: ClosedRange<Double>, count: Int = 8) -> [(time: Double, label: String)] {
        let span = max(range.upperBound - range.lowerBound, 1)
        let step = timeSteps.first { span / $0 <= Double(count) } ?? timeSteps.last!
        var ticks: [(Double, String)] = []
        var time = (range.lowerBound / step).rounded(.up) * step
        while time <= range.upperBound {
            ticks.append((time, timeLabel(time, step: step)))
            time += step
        }
        return ticks
    }

    /// `YYYY-MM-DD` for steps of a day or more, `MM-DD hh:mm` for minutes and hours, `hh:mm:ss`
    /// below a minute (all UTC).
    private static func timeLabel(_ time: Double, step: Double) -> String {
        let text = CSVFormat.timestamp(time)  // YYYY-MM-DD hh:mm:ss
        if step >= 86_400 { return String(text.prefix(10)) }
        if step >= 60 { return String(text.dropFirst(5).prefix(11)) }
        return String(text.dropFirst(11).prefix(8))
    }
}
