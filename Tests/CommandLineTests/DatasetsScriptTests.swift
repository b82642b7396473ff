import Foundation
import Testing

/// `Scripts/fetch-datasets`: its check of a data directory against `Scripts/datasets.sha256`, and
/// its fetch, run against local git repositories shaped as NAB's and SKAB's (this machine may not
/// reach GitHub; the script's pinned URLs are the only part not run here).
@Suite struct DatasetsScriptTests {
    private static let script = AnomalydProcess.repositoryRoot.appendingPathComponent("Scripts/fetch-datasets").path

    /// Runs `command arguments…` (found on the PATH) with `environment` added.
    private func run(_ command: String, _ arguments: [String], environment: [String: String] = [:],
                     in directory: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        try AnomalydProcess.run(URL(fileURLWithPath: "/usr/bin/env"), [command] + arguments, environment: environment,
                                directory: directory, timeout: .seconds(90))
    }

    @Test(.enabled(if: corpus != nil, corpusMissing))
    func theCheckAcceptsTheMeasuredCorpus() throws {
        let result = try run("bash", [Self.script, "--check", try #require(corpus)])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasSuffix(": all 59 files present and unchanged\n"), "\(result.stdout)")
    }

    /// A directory with the fixtures in the corpus's layout: the data file matches, the three-file
    /// labels do not, and everything else is missing.
    @Test func theCheckNamesWhatIsMissingOrChanged() throws {
        let directory = try TemporaryDirectory()
        let nab = directory.path("nab")
        try FileManager.default.createDirectory(atPath: nab + "/data/realTraffic", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixtures + "/nab/combined_windows.json", toPath: nab + "/combined_windows.json")
        try FileManager.default.copyItem(atPath: fixtures + "/nab/data/realTraffic/speed_7578.csv",
                                         toPath: nab + "/data/realTraffic/speed_7578.csv")
        let result = try run("bash", [Self.script, "--check", directory.url.path])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains("changed  nab/combined_windows.json"), "\(result.stdout)")
        #expect(lines.contains("missing  skab/valve1/0.csv") && lines.contains("missing  nab/data/realTraffic/speed_6005.csv"))
        #expect(!lines.contains { $0.hasSuffix("speed_7578.csv") }, "the unchanged file is not named")
        #expect(lines.count == 58)
        #expect(result.stderr.contains("57 of 59 files missing, 1 changed (run Scripts/fetch-datasets"), "\(result.stderr)")
    }

    /// The fetch, from local repositories holding what upstream holds (and strays it must leave
    /// out: another NAB category, a SKAB copy named "2 (2).csv"), assembles the checked layout.
    @Test(.enabled(if: corpus != nil, corpusMissing), .timeLimit(.minutes(2)))
    func theFetchAssemblesTheLayoutFromUpstreamRepositories() throws {
        let data = try #require(corpus)
        let directory = try TemporaryDirectory()
        let files = FileManager.default
        let nab = directory.path("NAB"), skab = directory.path("SKAB")
        try files.createDirectory(atPath: nab + "/labels", withIntermediateDirectories: true)
        try files.copyItem(atPath: data + "/nab/data", toPath: nab + "/data")
        try files.createDirectory(atPath: nab + "/data/realKnownCause", withIntermediateDirectories: true)
        try "timestamp,value\n".write(toFile: nab + "/data/realKnownCause/stray.csv", atomically: true, encoding: .utf8)
        var labels = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: data + "/nab/combined_windows.json"))) as? [String: Any])
        labels["realKnownCause/stray.csv"] = [Any]()
        try JSONSerialization.data(withJSONObject: labels, options: [.prettyPrinted])
            .write(to: URL(fileURLWithPath: nab + "/labels/combined_windows.json"))
        try files.copyItem(atPath: fixtures + "/nab/LICENSE", toPath: nab + "/LICENSE.txt")
        try files.createDirectory(atPath: skab + "/data", withIntermediateDirectories: true)
        try files.copyItem(atPath: data + "/skab/valve1", toPath: skab + "/data/valve1")
        try files.copyItem(atPath: data + "/skab/anomaly-free", toPath: skab + "/data/anomaly-free")
        try files.copyItem(atPath: data + "/skab/valve1/2.csv", toPath: skab + "/data/valve1/2 (2).csv")
        for repository in [nab, skab] {
            for arguments in [["init", "-q", "-b", "main"], ["add", "-A"],
                              ["-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "-qm", "data"]] {
                let git = try run("git", arguments, in: repository)
                try #require(git.status == 0, "git \(arguments): \(git.stderr)")
            }
        }
        let commit = try run("git", ["rev-parse", "HEAD"], in: nab).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let out = directory.path("out")
        let result = try run("bash", [Self.script, out], environment: [
            "ANOMALYD_NAB_URL": "file://" + nab, "ANOMALYD_NAB_REF": commit,
            "ANOMALYD_SKAB_URL": "file://" + skab, "ANOMALYD_SKAB_REF": "main",
        ])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasSuffix(": all 59 files present and unchanged\n"), "\(result.stdout)")
        #expect(!files.fileExists(atPath: out + "/nab/data/realKnownCause"))
        #expect(!files.fileExists(atPath: out + "/skab/valve1/2 (2).csv"))
        #expect(files.fileExists(atPath: out + "/nab/LICENSE.txt"))
        // The fetched labels are byte for byte the measured ones.
        #expect(files.contentsEqual(atPath: out + "/nab/combined_windows.json", andPath: data + "/nab/combined_windows.json"))
        let wrong = try run("bash", [Self.script, directory.path("other")], environment: [
            "ANOMALYD_NAB_URL": "file://" + nab, "ANOMALYD_NAB_REF": String(repeating: "0", count: 40),
            "ANOMALYD_SKAB_URL": "file://" + skab,
        ])
        #expect(wrong.status == 2 && wrong.stderr.contains("fetch-datasets: cannot fetch"), "\(wrong.stderr)")
    }
}
