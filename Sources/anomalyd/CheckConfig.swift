import ArgumentParser
import Daemon

/// `anomalyd check-config`: validate a configuration, printing every problem with its key.
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file; print every problem with its key.")

    @Option(name: .long, help: "Configuration file (TOML).")
    var config: String = "/etc/anomalyd/anomalyd.toml"

    func run() throws {
        do {
            let parsed = try Configuration.load(contentsOf: config)
            print("\(config): ok (\(parsed.groups.count) group\(parsed.groups.count == 1 ? "" : "s"))")
        } catch let error as ConfigurationError {
            printError(error.description)
            throw ExitCode.failure
        }
    }
}
