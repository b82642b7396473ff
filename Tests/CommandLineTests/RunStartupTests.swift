import Foundation
import Testing

/// Start-up failures end `anomalyd run` at once with status 1 and the reason (docs/DESIGN.md §6).
@Suite struct RunStartupTests {
    @Test func anInputEndpointInUseExitsOneWithTheReason() async throws {
        let directory = try TemporaryDirectory()
        let config = DaemonConfig(stateDirectory: directory.path("state"))
        try config.write(to: directory.path("anomalyd.toml"))
        // Another process holds the input port.
        let holder = try PythonPeer(
            ["-c", """
            import socket, sys, time
            s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); print("bound", flush=True)
            time.sleep(3600)  # killed at the end; holding for less lets a starved test find the port free
            """, String(config.input.split(separator: ":").last!)], directory: directory, name: "holder")
        #expect(await waitUntil(timeout: .seconds(20)) { holder.output.contains("bound") }, "\(holder.errors)")
        let daemon = try RunningDaemon(configPath: directory.path("anomalyd.toml"), directory: directory)
        let status = await daemon.waitForExit(timeout: .seconds(30))
        #expect(status == 1, "status \(String(describing: status)), reason \(daemon.process.terminationReason == .uncaughtSignal ? "signal" : "exit"): \(daemon.log)")
        #expect(daemon.log.contains("Address already in use"), "\(daemon.log)")
        holder.kill()
    }

    @Test func anInvalidConfigurationExitsOneNamingTheKey() async throws {
        let directory = try TemporaryDirectory()
        try "[output]\ntopic_prefx = \"x.\"\n".write(toFile: directory.path("bad.toml"), atomically: true, encoding: .utf8)
        let result = try AnomalydProcess.run(["run", "--config", directory.path("bad.toml")], timeout: .seconds(30))
        #expect(result.status == 1)
        #expect(result.stderr.contains("output.topic_prefx"), "\(result.stderr)")
    }
}
