import ArgumentParser
import Daemon
import VAE

/// The `anomalyd` command line (docs/DESIGN.md §6).
@main
struct Anomalyd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomalyd",
        abstract: "Streaming anomaly detection with a variational autoencoder, over ZeroMQ.",
        version: BuildInfo.version,
        subcommands: [
            Run.self, CheckConfig.self, Detect.self, Evaluate.self, Replay.self, Keygen.self, Tail.self,
            ProxyCommand.self, Train.self, Score.self, Embed.self, Generate.self, Inspect.self, Tune.self,
        ])

    /// Runs the command, after making sure OpenBLAS runs the kernels this CPU supports
    /// (``BLASKernels/reexecutingIfMisdetected()``).
    static func main() async {
        BLASKernels.reexecutingIfMisdetected()
        await main(nil)
    }
}

