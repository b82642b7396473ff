import ArgumentParser
import Detector
import Foundation
import VAE

/// `anomalyd score`: scores every complete window of a CSV file with a stored model (SPEC §6).
///
/// Writes one row per input row, `timestamp,<fields>,nll,latent_distance,anomaly_score`. A row
/// that ends a complete window carries its window's raw reconstruction NLL, the Mahalanobis
/// distance of its μ_z, and the anomaly score in [0, 1]
/// (``ScoreCalibration/anomalyScore(score:threshold:)`` of the calibrated score against the
/// model's stored threshold, which stays frozen: 0.5 at the threshold). Rows that end no window
/// — the first `window − 1`, and duplicate, late or same-step rows — have the three cells empty.
///
/// Windows are normalised with the model's scaler and scored as the detector scores them,
/// including `scoring.recent_steps` (the newest steps predicted from their context), which is a
/// setting of the group configuration and not of the model file: pass the `--config` the model
/// was trained under (its model hash must match the file's `config_hash`; without `--config`,
/// `detect`'s offline group applies).
struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score each window of a CSV file: timestamp, fields, nll, latent_distance, anomaly_score.")

    @OptionGroup var input: WindowedInputOptions

    @Option(name: .long, help: "The configuration the model was trained under; its first [[group]] applies.")
    var config: String?

    func run() throws {
        try runReportingFailure("score") {
            let model = try ModelCommand.model(at: input.model)
            let group = try ModelCommand.group(config: config)
            guard group.modelHash == model.configurationHash else {
                throw CommandFailure(
                    "\(ModelLoadError.configurationMismatch(expected: group.modelHash, found: model.configurationHash)); "
                        + "pass the --config it was trained with")
            }
            let table = try ModelCommand.table(input.data, for: model)
            let step: Double? = if case .seconds(let s) = group.step { s } else { nil }
            let windows = CSVWindows(table: table, width: model.windowSteps, step: input.step ?? step)
            let scaler = try model.scaler(series: input.series).scaler
            let inputs = windows.normalized(by: scaler)
            // The same computation the detector calibrated the model with.
            let (nll, distance) = WindowScoring.score(
                Scorer(model: model.vae, capacity: 256), inputs: inputs, mask: windows.mask, windowSize: windows.size,
                fields: windows.fields, recentSteps: group.scoring.recentSteps, samples: group.scoring.samples)
            let threshold = model.threshold.current
            var cells = [String?](repeating: nil, count: table.rowCount)
            for w in 0..<windows.count {
                let score = model.calibration.score(reconstructionNLL: Double(nll[w]), latentDistance: Double(distance[w]))
                let anomaly = ScoreCalibration.anomalyScore(score: score, threshold: threshold)
                cells[windows.rows[w]] = "\(ModelCommand.cell(nll[w])),\(ModelCommand.cell(distance[w])),"
                    + Detect.decimal(anomaly)
            }
            var text = "timestamp," + table.fieldNames.map(Detect.quoted).joined(separator: ",")
                + ",nll,latent_distance,anomaly_score\n"
            text.reserveCapacity(table.rowCount * 64)
            for row in 0..<table.rowCount {
                text += Detect.timestamp(table.timestamps[row])
                for value in table.row(row) { text += "," + ModelCommand.cell(value) }
                text += "," + (cells[row] ?? ",,") + "\n"
            }
            try ModelCommand.write(text, to: input.out)
        }
    }
}
