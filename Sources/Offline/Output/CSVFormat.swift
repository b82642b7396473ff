import Foundation  // String(format:)

/// How the offline commands write CSV cells: times, scores, values and column names.
public enum CSVFormat {
    /// `YYYY-MM-DD hh:mm:ss` in UTC (with a fraction when there is one), the form NAB's files use
    /// and ``TimestampParser`` reads back.
    public static func timestamp(_ seconds: Double) -> String {
        let whole = seconds.rounded(.down)
        let days = Int((whole / 86_400).rounded(.down))
        let secondOfDay = Int(whole) - days * 86_400
        // Civil from days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        var text = String(format: "%04d-%02d-%02d %02d:%02d:%02d", year, month, day,
                          secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
        let fraction = seconds - whole
        if fraction > 0 { text += String(format: "%.6f", fraction).dropFirst() }
        return text
    }

    /// A score in plain decimal form with 12 significant digits after the point, so that scores
    /// close to 1 still rank (NAB sweeps thresholds over them).
    public static func decimal(_ value: Double) -> String {
        if value <= 0 { return "0" }
        if value >= 1 { return "1" }
        var text = String(format: "%.12f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }  // below 5e-13: "0", not "0."
        return text
    }

    /// A column name, quoted when it holds a comma or a quote.
    public static func quoted(_ name: String) -> String {
        name.contains(",") || name.contains("\"") ? "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : name
    }

    /// A value: empty for NaN (a missing value), else Swift's shortest exact form.
    public static func cell(_ value: Float) -> String { value.isNaN ? "" : "\(value)" }

    /// A value: empty for NaN (a missing value), else Swift's shortest exact form.
    public static func cell(_ value: Double) -> String { value.isNaN ? "" : "\(value)" }
}
