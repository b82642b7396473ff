import ArgumentParser
import Daemon
struct Anomalyd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "anomalyd", version: BuildInfo.version)
}
Anomalyd.main()
