import Daemon
import Detector
import Foundation
import Testing

@Suite struct ConfigurationTests {
    @Test func emptyFileGivesDefaults() throws {
        let configuration = try Configuration.parse("")
        #expect(configuration == Configuration())
        #expect(configuration.input.bind == ["tcp://127.0.0.1:5556"])
        #expect(configuration.groups.count == 1)
    }

    @Test func shippedConfigurationIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        for name in ["anomalyd.toml", "nab.toml", "skab.toml"] {
            let path = root.appendingPathComponent("Config/\(name)").path
            _ = try Configuration.load(contentsOf: path)
        }
    }

    /// `Config/anomalyd.toml` documents the defaults: it holds every key at its default value, so
    /// `anomalyd detect` without `--config`, `anomalyd run` without a file and the shipped file
    /// judge alike (the generated-series tests run on the defaults and so cover all three).
    @Test func shippedConfigurationIsTheDefaults() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let shipped = try Configuration.load(contentsOf: root.appendingPathComponent("Config/anomalyd.toml").path)
        #expect(shipped == Configuration())
        #expect(shipped.groups == [GroupConfiguration()])
    }

    @Test func readsEveryTable() throws {
        let configuration = try Configuration.parse("""
            [input]
            bind = ["tcp://127.0.0.1:6000", "ipc:///tmp/a"]
            format = "influx"
            influx_precision = "ms"
            max_message_bytes = 4096
            [output]
            topic_prefix = "anomaly."
            [security]
            curve = true
            secret_key_file = "/etc/anomalyd/server.key"
            authorized_keys_dir = "/etc/anomalyd/clients"
            [state]
            checkpoint_every = "90s"
            [limits]
            max_series = 10
            [[group]]
            name = "pumps"
            match = "pump-*"
            step = "10s"
            window = 60
            model = "per-series"
            [group.vae]
            hidden = [64, 32]
            latent = 4
            beta = 1
            [group.training]
            retrain_every = "5000 windows"
            seed = 7
            min_history = "2h"
            [group.scoring]
            cold_start = false
            recent_steps = 4
            [group.threshold]
            false_alarms_per_day = 0.01
            [group.alerts]
            repeat_every = "1h"
            [[group]]
            name = "rest"
            [group.training]
            retrain_every = "never"
            """)
        #expect(configuration.input.bind == ["tcp://127.0.0.1:6000", "ipc:///tmp/a"])
        #expect(configuration.input.format == .influx)
        #expect(configuration.input.influxPrecision == "ms")
        #expect(configuration.output.topicPrefix == "anomaly.")
        #expect(configuration.security.curve)
        #expect(configuration.state.checkpointEvery == 90)
        #expect(configuration.limits.maxSeries == 10)
        #expect(configuration.groups.count == 2)
        let pumps = configuration.groups[0]
        #expect(pumps.name == "pumps" && pumps.match == "pump-*")
        #expect(pumps.step == .seconds(10) && pumps.window == 60 && pumps.model == .perSeries)
        #expect(pumps.vae.hidden == [64, 32] && pumps.vae.latent == 4 && pumps.vae.beta == 1.0)
        #expect(pumps.training.retrainEvery == .everyWindows(5000) && pumps.training.seed == 7)
        #expect(pumps.training.minHistory == 7200 && configuration.groups[1].training.minHistory == 86_400)
        #expect(!pumps.scoring.coldStart && configuration.groups[1].scoring.coldStart)
        #expect(pumps.scoring.recentSteps == 4 && configuration.groups[1].scoring.recentSteps == 1)
        #expect(pumps.threshold.falseAlarmsPerDay == 0.01)
        #expect(configuration.groups[1].threshold.falseAlarmsPerDay == 1e-4)
        #expect(pumps.alerts.repeatEvery == 3600)
        #expect(configuration.groups[1].training.retrainEvery == .never)
    }

    @Test func everyProblemIsReportedWithItsKey() {
        let text = """
            [input]
            bnid = ["tcp://127.0.0.1:6000"]
            max_message_bytes = "big"
            [output]
            send_hwm = -5
            [[group]]
            window = 1
            [group.training]
            retrain_every = "sometimes"
            epochz = 3
            [group.scoring]
            cold_start = "yes"
            [group.threshold]
            false_alarms_per_day = 0
            [colour]
            x = 1
            """
        do {
            _ = try Configuration.parse(text, source: "test.toml")
            Issue.record("an invalid configuration was accepted")
        } catch let error as ConfigurationError {
            let keys = Set(error.problems.map(\.key))
            #expect(keys == [
                "input.bnid", "input.max_message_bytes", "output.send_hwm", "group[0].window",
                "group[0].training.retrain_every", "group[0].training.epochz", "group[0].scoring.cold_start",
                "group[0].threshold.false_alarms_per_day", "colour",
            ])
            #expect(error.description.contains("test.toml: input.bnid: unknown key"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// Settings of earlier versions that the judge replaced say what replaced them.
    @Test func removedSettingsSayWhatReplacedThem() {
        let text = """
            [[group]]
            [group.scoring]
            warmup_threshold = 6
            range_factor = 8
            [group.threshold]
            method = "spot"
            risk = 1e-4
            """
        do {
            _ = try Configuration.parse(text, source: "old.toml")
            Issue.record("removed settings were accepted")
        } catch let error as ConfigurationError {
            #expect(Set(error.problems.map(\.key)) == [
                "group[0].scoring.warmup_threshold", "group[0].scoring.range_factor",
                "group[0].threshold.method", "group[0].threshold.risk",
            ])
            #expect(error.problems.allSatisfy { $0.message.hasPrefix("no longer a setting") })
            #expect(error.description.contains("false_alarms_per_day"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func syntaxErrorNamesTheLine() {
        do {
            _ = try Configuration.parse("[input]\nbind = [\"a\"\nformat = 3\n")
            Issue.record("a syntax error was accepted")
        } catch let error as ConfigurationError {
            #expect(error.problems.count == 1)
            #expect(error.problems[0].message.hasPrefix("line "))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func curveNeedsKeys() {
        #expect(throws: ConfigurationError.self) { try Configuration.parse("[security]\ncurve = true\n") }
    }

    @Test func durations() {
        #expect(parseDuration("90s") == 90)
        #expect(parseDuration("5m") == 300)
        #expect(parseDuration("1h") == 3600)
        #expect(parseDuration("250ms") == 0.25)
        #expect(parseDuration("1.5d") == 129_600)
        #expect(parseDuration("5") == nil)
        #expect(parseDuration("-5s") == nil)
        #expect(parseDuration("abc") == nil)
    }
}
