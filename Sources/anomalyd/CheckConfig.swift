import ArgumentParser
import Daemon

/// `anomalyd check-config`: validate a configuration, printing every problem with its key.
/// Without `--config` it validates the built-in defaults, which `anomalyd run` uses without one.
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file; print every problem with its key.",
        discussion: "Without --config, the built-in defaults that `anomalyd run` starts on are checked.")

    @Option(name: .long, help: "Configuration file (TOML); default: the built-in defaults.")
    var config: String?

    func run() throws {
        do {
            if let config {
                let parsed = try Configuration.load(contentsOf: config)
                print("\(config): ok (\(Self.groups(parsed)))")
            } else {
                let parsed = try Configuration.builtInDefaults()
                print("no --config: checked the built-in defaults that `anomalyd run` uses without one: ok "
                    + "(\(Self.groups(parsed)))")
            }
        } catch let error as ConfigurationError {
            printError(error.description)
            throw ExitCode.failure
        }
    }

    private static func groups(_ configuration: Configuration) -> String {
        "\(configuration.groups.count) group\(configuration.groups.count == 1 ? "" : "s")"
    }
}
