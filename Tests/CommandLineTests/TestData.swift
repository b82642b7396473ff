import Testing
import Foundation

/// The three NAB files and their labels committed under `Tests/Fixtures/nab` (MIT, see its README),
/// laid out as the benchmark data is (`nab/data/<category>/<file>.csv`, `nab/combined_windows.json`):
/// real data every clone has.
let fixtures = AnomalydProcess.repositoryRoot.appendingPathComponent("Tests/Fixtures").path

/// The benchmark data (docs/DESIGN.md §10): `$ANOMALYD_DATA`, else `data/` in the repository, else
/// `../shared/data` beside it; nil when none of them holds NAB's labels.
let corpus: String? = {
    let candidates = [ProcessInfo.processInfo.environment["ANOMALYD_DATA"]].compactMap { $0 }
        + ["data", "../shared/data"].map {
            AnomalydProcess.repositoryRoot.appendingPathComponent($0).standardizedFileURL.path
        }
    return candidates.first { FileManager.default.fileExists(atPath: $0 + "/nab/combined_windows.json") }
}()

/// Why a test that needs the corpora is skipped without them, naming the command that fetches them.
let corpusMissing: Comment = "needs the NAB and SKAB corpora: run `make datasets` (or set ANOMALYD_DATA)"
