/// One category's part of a profile's corpus score, as NAB reports categories: the raw score of the
/// category's files at the threshold optimised over the whole corpus (not one optimised for the
/// category), with the null and perfect detectors' raw scores on the same files.
///
/// The raw scores of the categories add up to the corpus's raw score at that threshold.
public struct NABCategoryScore: Equatable, Sendable {
    /// The profile.
    public var profile: NABProfile
    /// The top-level directory of the files, e.g. `realTraffic`.
    public var category: String
    /// The files in it.
    public var files: Int
    /// Their raw score at the corpus-wide optimal threshold.
    public var raw: Double
    /// Their raw score when nothing is detected.
    public var null: Double
    /// Their raw score when every window is detected at its first row.
    public var perfect: Double

    /// The category of a file's relative path (its first directory), or nil at the top level.
    public static func category(of name: String) -> String? {
        guard let slash = name.firstIndex(of: "/"), slash > name.startIndex else { return nil }
        return String(name[..<slash])
    }

    /// Each category of `files` scored at `result`'s threshold, by category name.
    static func categories(of files: [NABDataFile], at result: NABResult, probationPercent: Double = 0.15)
        -> [NABCategoryScore]
    {
        let scorer = NABScorer(profile: result.profile, probationPercent: probationPercent)
        let byCategory = Dictionary(grouping: files) { category(of: $0.name) }
        return byCategory.keys.compactMap { $0 }.sorted().map { name in
            let members = byCategory[name]!
            return NABCategoryScore(
                profile: result.profile, category: name, files: members.count,
                raw: scorer.score(members, threshold: result.best.threshold).score,
                null: scorer.nullScore(members), perfect: scorer.perfectScore(members))
        }
    }
}
