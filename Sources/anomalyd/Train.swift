import ArgumentParser
import Detector
import Foundation
import Offline

/// `anomalyd train`: trains one group model on every window of a CSV file (``OfflineTrainer``)
/// and writes it as a model file (docs/DESIGN.md §6, §7), atomically.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model on every window of a CSV file; write it as a safetensors file.")

    @Argument(help: "CSV input: a header row, a timestamp or datetime column, numeric fields.")
    var data: String

    @Option(name: .long, help: "The model file to write (safetensors).")
    var out: String

    @Option(name: .long, help: "Configuration file; its first [[group]] applies (default: the defaults).")
    var config: String?

    @Option(name: .long, help: "Comma-separated field columns to use.")
    var fields: String?

    @Option(name: .long, help: "Comma-separated columns to drop (labels such as anomaly,changepoint).")
    var exclude: String?

    func run() throws {
        try runReportingFailure("train") {
            let group = try ModelCommand.group(config: config)
            let table = try CSVReader(fields: ModelCommand.list(fields), exclude: ModelCommand.list(exclude))
                .read(contentsOf: data)
            let model = try OfflineTrainer(group: group).train(table)
            try model.write(to: out)
            let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            let c = model.vae.config
            printLine("trained group \(model.group) on \(model.trainingWindows) windows of "
                + "\(model.windowSteps)×\(model.fields.count) (hidden \(c.hidden), latent \(c.latent)), "
                + "at most \(group.training.epochs) epochs, validation loss \(String(format: "%.4f", model.validationLoss)) nats/point "
                + "→ \(out) (\(size) bytes)")
        }
    }
}
