import Foundation
import Testing
@testable import Offline

/// The repository root, from this file's path.
private let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The three NAB files and their labels committed under `Tests/Fixtures/nab` (MIT, see its README).
private let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures").path

/// The benchmark data (docs/DESIGN.md §10): `$ANOMALYD_DATA`, else `data/` in the repository, else
/// `../shared/data` beside it; nil when none of them holds NAB's labels.
private let corpus: String? = {
    let candidates = [ProcessInfo.processInfo.environment["ANOMALYD_DATA"]].compactMap { $0 }
        + ["data", "../shared/data"].map { repositoryRoot.appendingPathComponent($0).standardizedFileURL.path }
    return candidates.first { FileManager.default.fileExists(atPath: $0 + "/nab/combined_windows.json") }
}()

/// A NAB data file scored by `detector`, which gets each row's index and whether it starts a window.
private func load(_ name: String, from data: String, labels: NABLabels, detector: (Int, Bool) -> Double) throws
    -> NABDataFile
{
    let table = try CSVReader().read(contentsOf: data + "/nab/data/" + name)
    let windows = try #require(labels.windows[name])
    var file = NABDataFile(
        name: name, timestamps: table.timestamps, anomalyScores: .init(repeating: 0, count: table.rowCount),
        windows: windows)
    let starts = Set(NABScorer.rowRanges(of: file).compactMap { $0?.lowerBound })
    file.anomalyScores = table.timestamps.indices.map { detector($0, starts.contains($0)) }
    return file
}

@Test
func realNABFileScoresZeroForNullAndOneHundredForPerfect() throws {
    let labels = try NABLabels(contentsOf: fixtures + "/nab/combined_windows.json")
    let name = "realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv"
    let perfect = try load(name, from: fixtures, labels: labels) { $1 ? 1 : 0 }
    let null = try load(name, from: fixtures, labels: labels) { _, _ in 0 }
    #expect(perfect.timestamps.count == 4032 && perfect.windows.count == 2)
    for result in NABScorer.evaluate([perfect]) {
        #expect(abs(result.normalizedScore - 100) < 1e-9, "\(result.profile.name)")
        #expect(result.best.threshold == 1)
    }
    for result in NABScorer.evaluate([null]) {
        #expect(result.normalizedScore == 0, "\(result.profile.name)")
        #expect(result.best.score == -2 * result.profile.falseNegativeWeight)
    }
}

@Test(.enabled(if: corpus != nil, "needs the NAB corpus: run `make datasets` (or set ANOMALYD_DATA)"))
func everyLabelledWindowOfTheCorpusMatchesRows() throws {
    let data = try #require(corpus)
    let labels = try NABLabels(contentsOf: data + "/nab/combined_windows.json")
    #expect(labels.windows.count == 41)
    var files: [NABDataFile] = []
    for name in labels.windows.keys.sorted() {
        files.append(try load(name, from: data, labels: labels) { $1 ? 1 : 0 })
    }
    // Window limits are row timestamps: each window covers rows, none in the probation period.
    let scorer = NABScorer(profile: .standard)
    for file in files {
        let probation = scorer.probationaryLength(rowCount: file.timestamps.count)
        for range in NABScorer.rowRanges(of: file) {
            let rows = try #require(range, "\(file.name)")
            #expect(rows.lowerBound >= probation, "\(file.name)")
        }
    }
    let result = scorer.evaluate(files)
    #expect(abs(result.normalizedScore - 100) < 1e-9)
    #expect(result.best.falsePositives == 0)
}
