import ArgumentParser
import Detector
import Offline
import VAE

/// `anomalyd embed`: the latent coordinates of every complete window of a CSV file — a
/// dimensionality reduction of the series to the model's L latent dimensions (docs/DESIGN.md §6).
///
/// Writes one row per window, at the row that completes it: `timestamp,z0..z{L-1}`, the mean μ_z
/// of q(z|x) for the window normalised with the model's scaler (missing points 0, as in
/// training); `--with-std` adds the posterior standard deviations `std0..std{L-1}`.
struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write each window's latent coordinates: timestamp, z0..z{L-1} (μ_z).")

    @OptionGroup var input: WindowedInputOptions

    @Flag(name: .customLong("with-std"), help: "Add the posterior standard deviations std0..std{L-1}.")
    var withStd = false

    func run() throws {
        try runReportingFailure("embed") {
            let model = try ModelCommand.model(at: input.model)
            let table = try ModelCommand.table(input.data, for: model)
            let windows = CSVWindows(table: table, width: model.windowSteps, step: input.step)
            let inputs = windows.normalized(by: try model.scaler(series: input.series).scaler)
            let L = model.vae.config.latent, n = windows.count
            var mean = [Float](repeating: 0, count: n * L), std = mean
            if n > 0 {
                let scorer = Scorer(model: model.vae, capacity: 256)
                // A time-conditioned model encodes each window at the time of its newest row.
                let conditions = model.vae.config.conditions > 0
                    ? TimeContext.conditions(times: windows.rows.map { table.timestamps[$0] }) : []
                inputs.withUnsafeBufferPointer { x in
                    mean.withUnsafeMutableBufferPointer { m in
                        std.withUnsafeMutableBufferPointer { s in
                            conditions.withUnsafeBufferPointer { c in
                                scorer.encode(x.baseAddress!, count: n, conditions: c.baseAddress, mean: m.baseAddress!,
                                              std: withStd ? s.baseAddress! : nil)
                            }
                        }
                    }
                }
            }
            try writeOutput(ResultsCSV.embedding(table, windows: windows, latent: L, mean: mean, std: withStd ? std : nil),
                            to: input.out)
        }
    }
}
