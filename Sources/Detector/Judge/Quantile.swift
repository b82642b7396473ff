/// Empirical quantiles of sorted samples, as the calibration stages read them.
enum Quantile {
    /// The `level`-quantile of sorted, non-empty `values`, interpolating linearly between order
    /// statistics (type 7 of Hyndman & Fan, R's and NumPy's default).
    static func ofSorted(_ values: [Double], level: Double) -> Double {
        precondition(!values.isEmpty, "the quantile of nothing")
        let position = level * Double(values.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, values.count - 1)
        let fraction = position - Double(lower)
        return values[lower] + (values[upper] - values[lower]) * fraction
    }
}
