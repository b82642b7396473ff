import Detector
import Foundation
import TOMLKit
import ZeroMQ

extension Configuration {
    /// Loads and validates a TOML file; throws ``ConfigurationError`` listing every problem.
    public static func load(contentsOf path: String) throws -> Configuration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(
                source: path,
                problems: [ConfigurationProblem(key: "", message: "cannot read the file: \(error.localizedDescription)")])
        }
        return try parse(text, source: path)
    }

    /// The built-in defaults, validated as a file would be: what `anomalyd run` starts on
    /// without `--config`, and what `check-config` without it checks.
    public static func builtInDefaults() throws -> Configuration {
        try parse("", source: "the built-in defaults")
    }

    /// Parses and validates TOML text; keys not given keep their defaults.
    public static func parse(_ text: String, source: String = "<string>") throws -> Configuration {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let position = error.source.begin
            throw ConfigurationError(
                source: source,
                problems: [ConfigurationProblem(
                    key: "", message: "line \(position.line), column \(position.column): \(error.description)")])
        }
        var reader = TableReader(table: table, path: "")
        var configuration = Configuration()
        configuration.read(from: &reader)
        if reader.problems.isEmpty { configuration.validate(into: &reader.problems) }
        guard reader.problems.isEmpty else {
            throw ConfigurationError(source: source, problems: reader.problems)
        }
        return configuration
    }

    private mutating func read(from root: inout TableReader) {
        root.table("input") { t in
            t.strings("bind", &input.bind)
            t.strings("connect", &input.connect)
            t.strings("subscribe", &input.subscribe)
            t.choice("format", &input.format)
            t.string("influx_precision", &input.influxPrecision, allowed: ["ns", "us", "ms", "s"])
            t.int("max_message_bytes", &input.maxMessageBytes, range: 64...(1 << 30))
            t.int("receive_hwm", &input.receiveHWM, range: 0...100_000_000)
            t.int("queue_bytes", &input.queueBytes, range: (1 << 16)...(1 << 40))
        }
        root.table("output") { t in
            t.strings("bind", &output.bind)
            t.string("topic_prefix", &output.topicPrefix)
            t.int("send_hwm", &output.sendHWM, range: 0...100_000_000)
        }
        root.table("security") { t in
            t.bool("curve", &security.curve)
            t.string("secret_key_file", &security.secretKeyFile)
            t.string("authorized_keys_dir", &security.authorizedKeysDirectory)
        }
        root.table("state") { t in
            t.string("directory", &state.directory)
            t.duration("checkpoint_every", &state.checkpointEvery)
        }
        root.table("metrics") { t in
            t.string("listen", &metrics.listen)
        }
        root.table("limits") { t in
            t.int("max_series", &limits.maxSeries, range: 1...100_000_000)
            t.int("max_fields", &limits.maxFields, range: 1...4096)
            t.duration("max_future", &limits.maxFuture)
            t.duration("series_idle", &limits.seriesIdle)
        }
        if let parsed = root.tables("group", read: GroupConfiguration.read) {
            groups = parsed
        }
        root.reportUnknownKeys()
    }

    private func validate(into problems: inout [ConfigurationProblem]) {
        if input.bind.isEmpty && input.connect.isEmpty {
            problems.append(.init(key: "input.bind", message: "no input endpoint: set input.bind or input.connect"))
        }
        for (key, endpoints) in [("input.bind", input.bind), ("input.connect", input.connect), ("output.bind", output.bind)] {
            for endpoint in endpoints {
                if let error = EndpointError(checking: endpoint) { problems.append(.init(key: key, message: error.description)) }
            }
        }
        if input.queueBytes < input.maxMessageBytes {
            problems.append(.init(
                key: "input.queue_bytes",
                message: "\(input.queueBytes) is less than input.max_message_bytes (\(input.maxMessageBytes)): no message could be queued"))
        }
        if limits.maxFuture <= 0 {
            problems.append(.init(key: "limits.max_future", message: "must be positive"))
        }
        if limits.seriesIdle <= 0 {
            problems.append(.init(key: "limits.series_idle", message: "must be positive"))
        }
        if security.curve && security.secretKeyFile.isEmpty {
            problems.append(.init(key: "security.secret_key_file", message: "required when security.curve = true"))
        }
        if security.curve && security.authorizedKeysDirectory.isEmpty {
            problems.append(.init(key: "security.authorized_keys_dir", message: "required when security.curve = true"))
        }
        if groups.isEmpty {
            problems.append(.init(key: "group", message: "at least one [[group]] is needed"))
        }
        var seen = Set<String>()
        for (index, group) in groups.enumerated() where !seen.insert(group.name).inserted {
            problems.append(.init(key: "group[\(index)].name", message: "duplicate group name \"\(group.name)\""))
        }
    }
}

extension GroupConfiguration {
    static func read(from t: inout TableReader) -> GroupConfiguration {
        var g = GroupConfiguration()
        t.string("name", &g.name, nonEmpty: true)
        t.string("match", &g.match, nonEmpty: true)
        t.strings("fields", &g.fields)
        t.custom("step") { value, problem in
            if value.string == "auto" { g.step = .automatic; return }
            guard let text = value.string, let seconds = parseDuration(text) else {
                return problem("expected \"auto\" or a duration such as \"1m\"")
            }
            g.step = .seconds(seconds)
        }
        t.int("window", &g.window, range: 2...100_000)
        t.int("stride", &g.stride, range: 1...100_000)
        t.choice("model", &g.model)
        t.table("vae") { v in
            v.ints("hidden", &g.vae.hidden, range: 1...65_536)
            v.int("latent", &g.vae.latent, range: 1...1024)
            v.bool("time_context", &g.vae.timeContext)
            v.double("beta", &g.vae.beta, range: 0...1000)
        }
        t.table("training") { v in
            v.int("min_windows", &g.training.minWindows, range: 2...100_000_000)
            v.int("reservoir", &g.training.reservoir, range: 2...100_000_000)
            v.duration("min_history", &g.training.minHistory)
            v.custom("retrain_every") { value, problem in
                guard let text = value.string else { return problem("expected a string") }
                if text == "never" { g.training.retrainEvery = .never; return }
                let parts = text.components(separatedBy: " or ")
                if parts.count == 2, let seconds = parseDuration(parts[0]), parts[1].hasSuffix("windows"),
                   let n = Int(parts[1].dropLast("windows".count).trimmingSpaces()), n > 0 {
                    g.training.retrainEvery = .whicheverFirst(seconds: seconds, windows: n)
                    return
                }
                if text.hasSuffix("windows"), let n = Int(text.dropLast("windows".count).trimmingSpaces()), n > 0 {
                    g.training.retrainEvery = .everyWindows(n)
                    return
                }
                guard let seconds = parseDuration(text) else {
                    return problem("expected a duration (\"1h\"), a window count (\"5000 windows\"), both (\"1d or 1000 windows\") or \"never\"")
                }
                g.training.retrainEvery = .every(seconds: seconds)
            }
            v.int("epochs", &g.training.epochs, range: 1...100_000)
            v.int("retrain_passes", &g.training.retrainPasses, range: 1...100_000)
            v.int("ensemble", &g.training.ensemble, range: 1...16)
            v.int("batch", &g.training.batch, range: 1...65_536)
            v.double("learning_rate", &g.training.learningRate, range: 1e-9...10)
            v.double("weight_decay", &g.training.weightDecay, range: 0...10)
            v.double("validation", &g.training.validation, range: 0.01...0.9)
            v.custom("seed") { value, problem in
                guard let seed = value.int, seed >= 0 else { return problem("expected a non-negative integer") }
                g.training.seed = UInt64(seed)
            }
        }
        t.table("scoring") { v in
            v.double("latent_weight", &g.scoring.latentWeight, range: 0...1)
            v.int("samples", &g.scoring.samples, range: 1...1024)
            v.int("recent_steps", &g.scoring.recentSteps, range: 0...100_000)
            v.bool("cold_start", &g.scoring.coldStart)
            let judged = "the judge's stages have no factors to set (see docs/QUALITY.md)"
            v.removed("warmup_threshold", "before a model the cold-start check judges at the false-alarm rate; cold_start = false turns it off")
            v.removed("range_factor", judged)
            v.removed("recurrence_factor", judged)
            v.removed("recurrence_period", judged)
        }
        t.table("threshold") { v in
            v.double("false_alarms_per_day", &g.threshold.falseAlarmsPerDay, range: 1e-12...1e6)
            let rate = "the threshold is set by false_alarms_per_day"
            for key in ["method", "risk", "quantile", "value"] { v.removed(key, rate) }
        }
        t.table("alerts") { v in
            v.int("min_consecutive", &g.alerts.minConsecutive, range: 1...1_000_000)
            v.int("resolve_after", &g.alerts.resolveAfter, range: 1...1_000_000)
            v.duration("repeat_every", &g.alerts.repeatEvery)
        }
        if g.scoring.recentSteps > g.window {
            t.problem("scoring.recent_steps", "must be at most window (\(g.window))")
        }
        if g.training.reservoir < g.training.minWindows {
            t.problem("training.reservoir", "must be at least training.min_windows (\(g.training.minWindows))")
        }
        return g
    }
}
