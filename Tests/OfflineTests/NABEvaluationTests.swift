import Foundation
import Testing
@testable import Offline

/// A 100-row results table (one row per second) with one labelled window over rows 40…49 and
/// the given scores; the first 15 rows are probationary.
private func results(_ scores: [Int: Double]) -> CSVTable {
    var column = [Double](repeating: 0, count: 100)
    for (row, score) in scores { column[row] = score }
    return CSVTable(timeColumn: "timestamp", fieldNames: [], timestamps: (0..<100).map(Double.init), values: [],
                    otherColumns: ["anomaly_score": column, "alert": column.map { $0 >= 0.5 ? 1 : 0 }])
}

private func sigma(_ x: Double) -> Double { 2 / (1 + exp(5 * x)) - 1 }

/// Category `a` detects its window early; category `b` misses one window and detects the other
/// late, with a false positive far after it; a file at the top level has no category.
private let corpus = [
    NamedTable(name: "a/x.csv", table: results([42: 1])),
    NamedTable(name: "b/y.csv", table: results([:])),
    NamedTable(name: "b/z.csv", table: results([45: 0.6, 80: 1])),
    NamedTable(name: "top.csv", table: results([47: 0.9])),
]
private let labels = NABLabels(windows: Dictionary(uniqueKeysWithValues: corpus.map {
    ($0.name, [LabelledWindow(start: 40, end: 49)])
}))

@Test func categoriesAreScoredAtTheCorpusThresholdAndAddUpToIt() throws {
    let evaluation = try NABEvaluation(corpus, labels: labels)
    #expect(evaluation.categories.count == 3)
    for (result, categories) in zip(evaluation.results, evaluation.categories) {
        #expect(categories.map(\.category) == ["a", "b"], "\(result.profile.name)")
        #expect(categories.map(\.files) == [1, 2])
        #expect(categories.allSatisfy { $0.profile == result.profile })
        // With the top-level file's part, the categories add up to the corpus's raw score.
        let scorer = NABScorer(profile: result.profile)
        let top = try NABDataFile(name: "top.csv", results: corpus[3].table, windows: labels.windows["top.csv"]!)
        let topRaw = scorer.score([top], threshold: result.best.threshold).score
        #expect(abs(categories.reduce(topRaw) { $0 + $1.raw } - result.best.score) < 1e-9)
        #expect(categories.map(\.null) == [-result.profile.falseNegativeWeight, -2 * result.profile.falseNegativeWeight])
        #expect(categories.map(\.perfect) == [1, 2])
    }
    // Standard profile: the corpus optimum is 0.6, where b/z's late detection counts too.
    let standard = evaluation.categories[0]
    #expect(evaluation.results[0].best.threshold == 0.6)
    #expect(abs(standard[0].raw - sigma(-0.8) / sigma(-1)) < 1e-12)
    #expect(abs(standard[1].raw - (-1 + sigma(-0.5) / sigma(-1) - 0.11)) < 1e-12)
}

@Test func theReportHasALinePerProfileAndCategory() throws {
    let lines = try NABEvaluation(corpus, labels: labels).lines
    let categoryLines = lines.filter { $0.contains(" points (null ") }
    #expect(categoryLines.count == 6)
    #expect(categoryLines[0].hasPrefix("nab.standard.a 0.98 points (null -1.00, perfect 1.00)"))
    #expect(categoryLines[1] == "nab.standard.b -0.25 points (null -2.00, perfect 2.00)")
    #expect(categoryLines[5].hasPrefix("nab.reward_low_FN_rate.b "))
    #expect(!lines.contains { $0.hasPrefix("nab.standard.top") })
    // The overall lines come first, as before.
    #expect(lines[0].hasPrefix("nab.standard ") && lines[2].hasPrefix("nab.reward_low_FN_rate "))
    #expect(lines[3] == categoryLines[0] && lines[9] == "nab.files 4 files")
}
