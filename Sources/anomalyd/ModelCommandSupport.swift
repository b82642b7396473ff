import ArgumentParser
import Daemon
import Detector
import Foundation
import VAE

/// A failure of an offline model command, reported as its one-line reason.
struct CommandFailure: Error, CustomStringConvertible {
    /// The reason, printed after the command's name.
    let description: String
    /// A failure with `description` as its reason.
    init(_ description: String) { self.description = description }
}

/// The pieces the offline model commands (`train`, `score`, `embed`, `generate`, `inspect`)
/// share: reading the configuration, the CSV and the model file, and writing CSV output.
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
        try TrainedModel.read(from: path, configurationHash: nil)
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

    /// Writes `text` to `path`, or to stdout without one.
    static func write(_ text: String, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw CommandFailure("cannot write \(path)")
        }
    }

    /// A value for a CSV cell: empty for NaN (a missing value), else Swift's shortest exact form.
    static func cell(_ value: Float) -> String { value.isNaN ? "" : "\(value)" }

    /// A value for a CSV cell: empty for NaN (a missing value), else Swift's shortest exact form.
    static func cell(_ value: Double) -> String { value.isNaN ? "" : "\(value)" }
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

/// The complete windows of a CSV file, built as the detector builds them: each row is placed on
/// the series' time grid by a ``SeriesWindow`` (step configured or inferred, skipped steps
/// missing, duplicate and late rows dropped), and every row that opens a new step of a full
/// window ends one window.
struct CSVWindows {
    /// Fields per step.
    let fields: Int
    /// Steps per window.
    let width: Int
    /// For each window, the index of the CSV row that completed it.
    private(set) var rows: [Int] = []
    /// Raw values, (count, width × fields), oldest step first; missing entries 0.
    private(set) var values: [Float] = []
    /// 1 observed, 0 missing, same shape.
    private(set) var mask: [Float] = []

    /// Number of windows.
    var count: Int { rows.count }
    /// Values per window.
    var size: Int { width * fields }

    /// The windows of `table` (all its fields) of `width` steps, on a grid of `step` seconds
    /// (inferred when nil).
    init(table: CSVTable, width: Int, step: Double?) {
        fields = table.fieldNames.count
        self.width = width
        var window = SeriesWindow(width: width, fieldCount: fields, step: step)
        let D = width * fields
        var v = [Float](repeating: 0, count: D), m = v
        for r in 0..<table.rowCount {
            switch window.insert(timestamp: table.timestamps[r], fields: table.row(r)) {
            case .appended, .reset: break
            case .updated, .buffered, .duplicate, .late: continue
            }
            guard window.isFull else { continue }
            v.withUnsafeMutableBufferPointer { vp in
                m.withUnsafeMutableBufferPointer { mp in _ = window.copyWindow(into: vp, observed: mp) }
            }
            rows.append(r)
            values += v
            mask += m
        }
    }

    /// The windows scaled by `scaler` as the detector scales them for scoring (unclipped,
    /// non-finite results 0, bounded at ±10⁶); missing entries stay 0.
    func normalized(by scaler: RobustScaler) -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        for i in values.indices where mask[i] > 0 {
            let scaled = scaler.scaled(values[i], field: i % fields)
            out[i] = scaled.isFinite ? min(max(scaled, -1e6), 1e6) : 0
        }
        return out
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
