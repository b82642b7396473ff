import ArgumentParser
import Daemon
import Detector
import Offline
import VAE

/// A failure of an offline model command, reported as its one-line reason.
struct CommandFailure: Error, CustomStringConvertible {
    /// The reason, printed after the command's name.
    let description: String
    /// A failure with `description` as its reason.
    init(_ description: String) { self.description = description }
}

/// The pieces the offline model commands (`train`, `score`, `embed`, `generate`, `inspect`)
/// share: reading the configuration, the CSV and the model file.
enum ModelCommand {
    /// The first group of the configuration file at `path`, or ``GroupConfiguration()``
    /// without one, matching every series key (as `anomalyd detect` uses it).
    static func group(config path: String?) throws -> GroupConfiguration {
        var group = GroupConfiguration()
        if let path {
            guard let first = try Configuration.load(contentsOf: path).groups.first else {
                throw CommandFailure("\(path) defines no [[group]]")
            }
            group = first
        }
        group.match = "*"
        return group
    }

    /// A comma-separated option value as a list (empty without the option).
    static func list(_ text: String?) -> [String] {
        text.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
    }

    /// Reads a model file; its reader's error (truncated, corrupt, another format) propagates.
    static func model(at path: String) throws -> TrainedModel {
        try TrainedModel(file: file(at: path), configurationHash: nil)
    }

    /// The model file at `path`, read and validated (its data checksum too); a reason that does
    /// not name the file gets its path in front, so every load error says which file failed.
    static func file(at path: String) throws -> ModelFile {
        do {
            return try ModelFile.read(from: path)
        } catch let error as ModelFileError where !"\(error)".contains(path) {
            throw CommandFailure("\(path): \(error)")
        }
    }

    /// Throws unless `model` was trained under `group`'s model settings and `table`'s columns are
    /// its fields, in order.
    static func check(_ model: TrainedModel, fits group: GroupConfiguration, table: CSVTable) throws {
        guard group.modelHash == model.configurationHash else {
            throw CommandFailure(
                "\(ModelLoadError.configurationMismatch(expected: group.modelHash, found: model.configurationHash)); "
                    + "pass the --config it was trained with")
        }
        guard table.fieldNames == model.fields else {
            throw CommandFailure("the data has fields \(table.fieldNames), the model needs \(model.fields)")
        }
    }

    /// The CSV at `path` with exactly the model's fields as columns, in the model's order.
    static func table(_ path: String, for model: TrainedModel) throws -> CSVTable {
        let table = try CSVReader(fields: model.fields).read(contentsOf: path)
        guard table.fieldNames == model.fields else {
            throw CommandFailure("\(path) has fields \(table.fieldNames), the model needs \(model.fields)")
        }
        return table
    }
}

extension TrainedModel {
    /// Steps per window (the network's input is window × fields).
    var windowSteps: Int { vae.config.inputSize / max(fields.count, 1) }

    /// The scaler that maps a series' values to the model's inputs: the one of series `name`
    /// when given, else the per-series model's own, else the first by series key (a model
    /// trained by `anomalyd train` has one, `csv`); an identity scaler when the file has none.
    func scaler(series name: String?) throws -> (series: String, scaler: RobustScaler) {
        if let name {
            guard let scaler = scalers[name] else {
                throw CommandFailure("the model has no scaler for series \(name) (it has \(scalers.keys.sorted()))")
            }
            return (name, scaler)
        }
        if let own = series, let scaler = scalers[own] { return (own, scaler) }
        if let first = scalers.keys.min(), let scaler = scalers[first] { return (first, scaler) }
        return ("", RobustScaler(fields: fields.count))
    }
}

/// The options `score` and `embed` share: the CSV, the model and the output.
struct WindowedInputOptions: ParsableArguments {
    @Argument(help: "CSV input: a header row, a timestamp or datetime column, the model's fields.")
    var data: String

    @Option(name: .long, help: "The model file (from `anomalyd train` or the daemon).")
    var model: String

    @Option(name: .long, help: "Output file (default: stdout).")
    var out: String?

    @Option(name: .long, help: "Use this series' scaler of a shared model (default: the first).")
    var series: String?

    @Option(name: .long, help: "Grid step in seconds (default: inferred from the timestamps).")
    var step: Double?

    func validate() throws {
        if let step, !(step > 0 && step.isFinite) { throw ValidationError("--step must be a positive number of seconds") }
    }
}
