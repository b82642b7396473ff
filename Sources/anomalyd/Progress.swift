#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A progress bar for long offline runs (`detect`, `evaluate`, `tune`): `label [####....] 42%`
/// redrawn in place on stderr — only when stderr is a terminal, so pipes, files and the journal
/// never see it. It redraws at most once per percent.
final class Progress {
    /// What is being done, printed before the bar.
    let label: String
    /// The count that is 100 %.
    let total: Int
    /// Whether the bar is drawn (stderr is a terminal).
    let enabled = isatty(2) == 1
    private var shown = -1

    init(label: String, total: Int) {
        self.label = label
        self.total = total
    }

    /// Shows `done` of ``total``.
    func update(_ done: Int) {
        guard enabled, total > 0 else { return }
        let percent = min(done, total) * 100 / total
        guard percent != shown else { return }
        shown = percent
        let bar = String(repeating: "#", count: percent / 4) + String(repeating: ".", count: 25 - percent / 4)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)%".utf8))
    }

    /// Ends the bar's line.
    func finish() {
        if enabled && shown >= 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
