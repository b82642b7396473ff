import ArgumentParser
import Detector
import Offline
import VAE

/// `anomalyd score`: judges every window of a CSV file with a stored model (docs/DESIGN.md §6), by the very
/// path `anomalyd detect` and the daemon take — the same detector and the same ``Judge`` —
/// with the model frozen.
///
/// Writes one row per input row, `timestamp,<fields>,nll,latent_distance,anomaly_score,alert`. A
/// row that ends a window carries its window's raw reconstruction NLL and the Mahalanobis distance
/// of its μ_z, and every row its published anomaly score in [0, 1] (0 for a row that ends no window)
/// and whether an alert episode is open: what `detect --model` writes for the same file, with the
/// model's two raw scores besides. Rows that end no window — the first `window − 1`, and
/// duplicate, late or same-step rows — have the two raw cells empty.
///
/// `scoring.recent_steps` and the judge's settings come from the group configuration, not the
/// model file: pass the `--config` the model was trained under (its model hash must match the
/// file's `config_hash`; without `--config`, the defaults apply).
struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Judge each window of a CSV file with a model: timestamp, fields, nll, latent_distance, anomaly_score, alert.")

    @OptionGroup var input: WindowedInputOptions

    @Option(name: .long, help: "The configuration the model was trained under; its first [[group]] applies.")
    var config: String?

    func run() throws {
        try runReportingFailure("score") {
            let model = try ModelCommand.model(at: input.model)
            var group = try ModelCommand.group(config: config)
            let table = try ModelCommand.table(input.data, for: model)
            try ModelCommand.check(model, fits: group, table: table)
            if let step = input.step { group.step = .seconds(step) }
            let series = try model.scaler(series: input.series).series
            let results = try OfflineDetector(group: group, model: model, series: series.isEmpty ? "csv" : series)
                .run(table)
            try writeOutput(ResultsCSV.scores(table, results), to: input.out)
        }
    }
}
