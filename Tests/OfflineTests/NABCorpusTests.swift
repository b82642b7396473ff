import Foundation
import Testing
@testable import Offline

/// The shared data directory: `../shared/data` next to the repository root (CI), or one level
/// further up for a working copy under `wt/`. The data is part of the test environment: a test that
/// needs it fails (never skips) when it is missing.
private let dataDirectoryIfPresent: String? = {
    let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return ["../shared/data", "../../shared/data"]
        .map { root.appendingPathComponent($0).standardizedFileURL.path }
        .first { FileManager.default.fileExists(atPath: $0 + "/nab/combined_windows.json") }
}()

private var dataDirectory: String {
    get throws { try #require(dataDirectoryIfPresent, "../shared/data/nab is missing next to the repository") }
}

/// A NAB data file scored by `detector`, which gets each row's index and whether it starts a window.
private func load(_ name: String, labels: NABLabels, detector: (Int, Bool) -> Double) throws -> NABDataFile {
    let table = try CSVReader().read(contentsOf: try dataDirectory + "/nab/data/" + name)
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
    let labels = try NABLabels(contentsOf: try dataDirectory + "/nab/combined_windows.json")
    let name = "realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv"
    let perfect = try load(name, labels: labels) { $1 ? 1 : 0 }
    let null = try load(name, labels: labels) { _, _ in 0 }
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

@Test
func everyLabelledWindowOfTheCorpusMatchesRows() throws {
    let labels = try NABLabels(contentsOf: try dataDirectory + "/nab/combined_windows.json")
    #expect(labels.windows.count == 41)
    var files: [NABDataFile] = []
    for name in labels.windows.keys.sorted() {
        files.append(try load(name, labels: labels) { $1 ? 1 : 0 })
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
