import Detector

/// A group written back as the `[[group]]` table of docs/DESIGN.md §5, every key spelled out, so that
/// `anomalyd tune --write-config` leaves a file that `detect --config` and `run` read as is.
extension GroupConfiguration {
    var toml: String {
        func string(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        func number(_ value: Double) -> String { value == value.rounded() && abs(value) < 1e15 ? "\(Int(value)).0" : "\(value)" }
        func duration(_ seconds: Double) -> String {
            guard seconds.isFinite else { return string("100000w") }  // never, as far as a stream goes
            return seconds == seconds.rounded() && abs(seconds) < 1e15 ? string("\(Int(seconds))s") : string("\(seconds)s")
        }
        let stepText = if case .seconds(let s) = step { duration(s) } else { string("auto") }
        let retrain = switch training.retrainEvery {
        case .never: string("never")
        case .everyWindows(let n): string("\(n) windows")
        case .every(let seconds): duration(seconds)
        case .whicheverFirst(let seconds, let windows): string("\(duration(seconds).dropFirst().dropLast()) or \(windows) windows")
        }
        return """
            [[group]]
            name = \(string(name))
            match = \(string(match))
            fields = [\(fields.map(string).joined(separator: ", "))]
            step = \(stepText)
            window = \(window)
            stride = \(stride)
            model = \(string(model.rawValue))

            [group.vae]
            hidden = [\(vae.hidden.map(String.init).joined(separator: ", "))]
            latent = \(vae.latent)
            beta = \(number(vae.beta))
            time_context = \(vae.timeContext)

            [group.training]
            min_windows = \(training.minWindows)
            reservoir = \(training.reservoir)
            min_history = \(duration(training.minHistory))
            retrain_every = \(retrain)
            epochs = \(training.epochs)
            retrain_passes = \(training.retrainPasses)
            ensemble = \(training.ensemble)
            batch = \(training.batch)
            learning_rate = \(training.learningRate)
            weight_decay = \(training.weightDecay)
            validation = \(training.validation)
            seed = \(training.seed)

            [group.scoring]
            latent_weight = \(number(scoring.latentWeight))
            samples = \(scoring.samples)
            recent_steps = \(scoring.recentSteps)
            cold_start = \(scoring.coldStart)

            [group.threshold]
            false_alarms_per_day = \(threshold.falseAlarmsPerDay)

            [group.alerts]
            min_consecutive = \(alerts.minConsecutive)
            resolve_after = \(alerts.resolveAfter)
            repeat_every = \(duration(alerts.repeatEvery))

            """
    }
}
