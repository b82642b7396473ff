import Foundation
import Testing

/// The shipped units (`systemd/*.service`) pass `systemd-analyze verify` cleanly, keep the
/// contract of docs/DESIGN.md §9 and stay hardened. Needs systemd-analyze: `apt-get install -y systemd`.
/// A machine without it fails these tests rather than skipping them.
@Suite struct SystemdUnitTests {
    static let unitDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("systemd")
    static let installedBinary = "/usr/local/bin/anomalyd"

    private static func analyzer() throws -> String {
        let candidates = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]
        return try #require(
            candidates.first { FileManager.default.isExecutableFile(atPath: $0) },
            "systemd-analyze is missing: install it with `apt-get install -y systemd`")
    }

    private static func unitText(_ name: String) throws -> String {
        try String(contentsOf: unitDirectory.appendingPathComponent(name), encoding: .utf8)
    }

    /// Writes `name` into a fresh directory under `fileName`, with the daemon binary (not installed
    /// on a build machine) replaced by one that exists, since verify checks every Exec path.
    private static func stagedCopy(of name: String, as fileName: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("anomalyd-units-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let staged = directory.appendingPathComponent(fileName)
        let text = try unitText(name).replacingOccurrences(of: installedBinary, with: "/bin/true")
        try text.write(to: staged, atomically: true, encoding: .utf8)
        return staged
    }

    /// Runs the analyzer; returns its exit status and everything it printed.
    private static func analyze(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try analyzer())
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// `key=value` assignments of the `[Service]` section, in order (a key may repeat).
    private static func serviceAssignments(_ text: String) -> [(key: String, value: String)] {
        var section = ""
        var out: [(String, String)] = []
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") { section = line; continue }
            guard section == "[Service]", let equals = line.firstIndex(of: "=") else { continue }
            out.append((String(line[..<equals]), String(line[line.index(after: equals)...])))
        }
        return out
    }

    @Test func systemdAnalyzeIsInstalled() throws {
        _ = try Self.analyzer()
    }

    /// verify exits 0 even for unknown keys and unparsable values, so any output is a failure too.
    @Test(arguments: [
        ("anomalyd.service", "anomalyd.service"),
        ("anomalyd@.service", "anomalyd@.service"),
        ("anomalyd@.service", "anomalyd@shard-1.service"),
    ])
    func unitVerifiesWithoutWarnings(unit: String, stagedName: String) throws {
        let staged = try Self.stagedCopy(of: unit, as: stagedName)
        defer { try? FileManager.default.removeItem(at: staged.deletingLastPathComponent()) }
        let (status, output) = try Self.analyze(["verify", "--man=no", staged.path])
        #expect(status == 0, "\(output)")
        #expect(output.isEmpty, "\(output)")
    }

    /// `systemd-analyze security` rates the sandbox; 2.0 of 10 or less is its "OK" band's low end.
    @Test(arguments: ["anomalyd.service", "anomalyd@.service"])
    func exposureStaysLow(unit: String) throws {
        let staged = try Self.stagedCopy(of: unit, as: unit == "anomalyd@.service" ? "anomalyd@check.service" : unit)
        defer { try? FileManager.default.removeItem(at: staged.deletingLastPathComponent()) }
        let (status, output) = try Self.analyze(["security", "--offline=yes", "--threshold=20", "--no-pager", staged.path])
        #expect(status == 0, "\(output)")
    }

    @Test func singleInstanceUnitKeepsTheServiceContract() throws {
        let assignments = Self.serviceAssignments(try Self.unitText("anomalyd.service"))
        let settings = Dictionary(assignments, uniquingKeysWith: { first, _ in first })
        #expect(settings["Type"] == "notify")
        #expect(settings["ExecStart"] == "/usr/local/bin/anomalyd run --config /etc/anomalyd/anomalyd.toml")
        #expect(assignments.contains { $0.key == "ExecReload" && $0.value == "/bin/kill -HUP $MAINPID" })
        #expect(settings["WatchdogSec"] == "30")
        #expect(settings["Restart"] == "on-failure")
        #expect(settings["TimeoutStopSec"] != nil)
        #expect(settings["StateDirectory"] == "anomalyd")
        #expect(settings["ConfigurationDirectory"] == "anomalyd")
    }

    @Test func shardUnitUsesTheInstanceName() throws {
        let assignments = Self.serviceAssignments(try Self.unitText("anomalyd@.service"))
        let settings = Dictionary(assignments, uniquingKeysWith: { first, _ in first })
        #expect(settings["Type"] == "notify")
        #expect(settings["ExecStart"] == "/usr/local/bin/anomalyd run --config /etc/anomalyd/%i.toml")
        #expect(settings["StateDirectory"] == "anomalyd/%i")
        #expect(settings["WatchdogSec"] == "30")
    }

    @Test(arguments: ["anomalyd.service", "anomalyd@.service"])
    func unitIsHardened(unit: String) throws {
        let settings = Dictionary(
            Self.serviceAssignments(try Self.unitText(unit)), uniquingKeysWith: { first, _ in first })
        let required: [String: String] = [
            "DynamicUser": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
            "PrivateDevices": "yes", "NoNewPrivileges": "yes",
            "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6 AF_NETLINK", "SystemCallFilter": "@system-service",
            "SystemCallArchitectures": "native", "MemoryDenyWriteExecute": "yes", "LockPersonality": "yes",
            "RestrictRealtime": "yes", "RestrictNamespaces": "yes", "ProtectKernelTunables": "yes",
            "ProtectKernelModules": "yes", "ProtectKernelLogs": "yes", "ProtectControlGroups": "yes",
            "ProtectClock": "yes", "ProtectHostname": "yes", "CapabilityBoundingSet": "", "UMask": "0077",
        ]
        for (key, value) in required.sorted(by: { $0.key < $1.key }) {
            #expect(settings[key] == value, "\(unit): \(key)")
        }
        #expect(settings["LimitNOFILE"] != nil)
    }
}
