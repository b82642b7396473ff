/// The CSV texts the offline commands write, one row per input row (or per window, or per
/// generated step), header first.
public enum ResultsCSV {
    /// `anomalyd detect`'s results: `timestamp`, the input's fields, `anomaly_score` (in [0, 1])
    /// and `alert` (1 while an episode is open) — the shape of NAB's results files.
    public static func detection(_ table: CSVTable, _ results: RowCollector) -> String {
        var text = "timestamp," + table.fieldNames.map(CSVFormat.quoted).joined(separator: ",") + ",anomaly_score,alert\n"
        text.reserveCapacity(table.rowCount * 48)
        for row in 0..<table.rowCount {
            text += CSVFormat.timestamp(table.timestamps[row])
            for value in table.row(row) { text += "," + CSVFormat.cell(value) }
            text += ",\(CSVFormat.decimal(results.scores[row])),\(results.alerts[row] ? 1 : 0)\n"
        }
        return text
    }

    /// `anomalyd score`'s results: as ``detection(_:_:)`` with the window's raw reconstruction
    /// NLL and latent distance before the score (both empty for a row that ends no window).
    public static func scores(_ table: CSVTable, _ results: RowCollector) -> String {
        var text = "timestamp," + table.fieldNames.map(CSVFormat.quoted).joined(separator: ",")
            + ",nll,latent_distance,anomaly_score,alert\n"
        text.reserveCapacity(table.rowCount * 64)
        for row in 0..<table.rowCount {
            text += CSVFormat.timestamp(table.timestamps[row])
            for value in table.row(row) { text += "," + CSVFormat.cell(value) }
            if let result = results.results[row] {
                text += "," + CSVFormat.cell(result.reconstructionNLL) + "," + CSVFormat.cell(result.latentDistance)
            } else {
                text += ",,"
            }
            text += "," + CSVFormat.decimal(results.scores[row]) + "," + (results.alerts[row] ? "1" : "0") + "\n"
        }
        return text
    }

    /// `anomalyd embed`'s latent coordinates: `timestamp,z0..z{L-1}` at the row that completes
    /// each window, then `std0..std{L-1}` when `std` is given.
    /// - Parameters:
    ///   - mean: (windows.count, latent) posterior means.
    ///   - std: the same shape of posterior standard deviations, or nil.
    public static func embedding(_ table: CSVTable, windows: CSVWindows, latent L: Int, mean: [Float],
                                 std: [Float]?) -> String {
        var text = "timestamp," + (0..<L).map { "z\($0)" }.joined(separator: ",")
        if std != nil { text += "," + (0..<L).map { "std\($0)" }.joined(separator: ",") }
        text += "\n"
        text.reserveCapacity(windows.count * L * 24 * (std == nil ? 1 : 2))
        for w in 0..<windows.count {
            text += CSVFormat.timestamp(table.timestamps[windows.rows[w]])
            for k in 0..<L { text += "," + CSVFormat.cell(mean[w * L + k]) }
            if let std { for k in 0..<L { text += "," + CSVFormat.cell(std[w * L + k]) } }
            text += "\n"
        }
        return text
    }

    /// `anomalyd generate`'s windows: `window,step,<fields>`, one row per step.
    /// - Parameters:
    ///   - windows: (count, steps × fields.count) values, oldest step first, in the model's units.
    ///   - unscaled: maps a value of field `f` back to the series' units.
    public static func generated(fields: [String], windows: [Float], count: Int, steps W: Int,
                                 unscaled: (Float, Int) -> Float) -> String {
        let F = fields.count, D = W * F
        var text = "window,step," + fields.map(CSVFormat.quoted).joined(separator: ",") + "\n"
        text.reserveCapacity(count * W * (8 + 14 * F))
        for w in 0..<count {
            for t in 0..<W {
                text += "\(w),\(t)"
                for f in 0..<F { text += "," + CSVFormat.cell(unscaled(windows[w * D + t * F + f], f)) }
                text += "\n"
            }
        }
        return text
    }
}
