import ArgumentParser
import Detector
import Offline
import VAE

/// `anomalyd generate`: windows drawn from the model's prior, in the series' original units
/// (docs/DESIGN.md §6).
///
/// Each window decodes a z ~ N(0, I): its expected values μ_x, or with `--sampled` a draw
/// x ~ N(μ_x, σ_x²). Values are un-scaled with the scaler of `--series` (a shared model holds one
/// per series it was trained on), else the model's first. Output: `window,step,<fields>`, one
/// row per step, `count × window` rows. The same `--seed` gives the same windows. A
/// time-conditioned model (`time_context`) draws each window at a time: `--at` (epoch seconds of
/// its newest step) for every window, else times spread evenly over a week from a Monday 00:00 UTC.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate windows from the model's prior: window, step, fields (original units).")

    @Option(name: .long, help: "The model file.")
    var model: String

    @Option(name: .long, help: "Number of windows to generate.")
    var count: Int

    @Option(name: .long, help: "Seed of the draws.")
    var seed: UInt64 = 0

    @Flag(name: .long, help: "Sample x ~ N(μ_x, σ_x²) instead of writing the decoder's mean μ_x.")
    var sampled = false

    @Option(name: .long, help: "Un-scale with this series' scaler (default: the model's first).")
    var series: String?

    @Option(name: .long, help: "Epoch seconds of each window's newest step, for a time-conditioned model (default: spread over a week).")
    var at: Double?

    @Option(name: .long, help: "Output file (default: stdout).")
    var out: String?

    /// The largest `--count` accepted.
    static let maximumCount = 100_000

    func validate() throws {
        guard count >= 1 && count <= Self.maximumCount else {
            throw ValidationError("--count must be between 1 and \(Self.maximumCount)")
        }
        if let at, !at.isFinite { throw ValidationError("--at must be a number of seconds since the epoch") }
    }

    func run() throws {
        try runReportingFailure("generate") {
            let trained = try ModelCommand.model(at: model)
            let scaler = try trained.scaler(series: series).scaler
            let F = trained.fields.count, W = trained.windowSteps, D = trained.vae.config.inputSize
            guard F > 0, W * F == D, scaler.fields == F else {
                throw CommandFailure("the model's fields \(trained.fields) do not divide its input size \(D)")
            }
            var windows = [Float](repeating: 0, count: count * D)
            let scorer = Scorer(model: trained.vae, capacity: 256, seed: seed)
            if at != nil && trained.vae.config.conditions == 0 {
                throw CommandFailure("--at needs a time-conditioned model (time_context = true); this one has no time context")
            }
            // 1970-01-05 was a Monday.
            let monday = 4 * 86_400.0, week = 7 * 86_400.0
            let times = (0..<count).map { at ?? monday + week * Double($0) / Double(count) }
            let conditions = trained.vae.config.conditions > 0 ? TimeContext.conditions(times: times) : []
            windows.withUnsafeMutableBufferPointer { w in
                conditions.withUnsafeBufferPointer { c in
                    scorer.generate(count: count, sampled: sampled, conditions: c.baseAddress, into: w.baseAddress!)
                }
            }
            let text = ResultsCSV.generated(fields: trained.fields, windows: windows, count: count, steps: W) {
                scaler.unscaled($0, field: $1)
            }
            try writeOutput(text, to: out)
        }
    }
}
