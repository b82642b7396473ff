import Foundation  // String(format:)

/// A hand-written SVG of one results file: the first field (top panel, with labelled windows or
/// labelled points shaded and alert rows marked), and the anomaly score with the threshold at 0.5
/// (bottom panel; the score is 0.5 exactly at the live threshold).
public struct ResultsPlot {
    /// The heading (the file's name).
    public let title: String
    /// A results table: timestamps, fields, `anomaly_score`, `alert`.
    public let table: CSVTable
    /// Labelled windows to shade (NAB).
    public let windows: [LabelledWindow]
    /// Labelled points to shade, one per row (SKAB), or nil.
    public let pointLabels: [Bool]?

    /// A plot of `table` with its labels.
    public init(title: String, table: CSVTable, windows: [LabelledWindow], pointLabels: [Bool]?) {
        self.title = title
        self.table = table
        self.windows = windows
        self.pointLabels = pointLabels
    }

    private let width = 1200.0, panel = 220.0, margin = 40.0

    /// The SVG document.
    public func svg() -> String {
        let n = table.rowCount
        guard n > 1 else { return "<svg xmlns=\"http://www.w3.org/2000/svg\"/>" }
        let t0 = table.timestamps[0], t1 = table.timestamps[n - 1]
        let span = max(t1 - t0, 1)
        func x(_ t: Double) -> Double { margin + (t - t0) / span * (width - 2 * margin) }
        let values = table.fieldNames.first.flatMap { table.column(named: $0) } ?? []
        let finite = values.filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = max(finite.max() ?? 1, lo + 1e-12)
        func yValue(_ v: Double) -> Double { margin + (1 - (v - lo) / (hi - lo)) * panel }
        let top2 = margin * 2 + panel
        func yScore(_ s: Double) -> Double { top2 + (1 - s) * panel }
        let height = top2 + panel + margin
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(margin)\" y=\"20\">\(escape(title)) — \(escape(table.fieldNames.first ?? ""))</text>\n"
        // Labels: shaded windows (NAB) or runs of labelled points (SKAB).
        var shaded: [(Double, Double)] = windows.map { ($0.start, $0.end) }
        if let labels = pointLabels {
            var i = 0
            while i < n {
                guard labels[i] else { i += 1; continue }
                var j = i
                while j + 1 < n && labels[j + 1] { j += 1 }
                shaded.append((table.timestamps[i], table.timestamps[j]))
                i = j + 1
            }
        }
        for (a, b) in shaded {
            let x0 = x(max(a, t0)), x1 = x(min(b, t1))
            for top in [margin, top2] {
                out += "<rect x=\"\(f(x0))\" y=\"\(f(top))\" width=\"\(f(max(x1 - x0, 1)))\" height=\"\(f(panel))\" fill=\"#fde0b0\"/>\n"
            }
        }
        out += polyline(n, { x(table.timestamps[$0]) }, { values.indices.contains($0) && values[$0].isFinite ? yValue(values[$0]) : nil }, "#1f5fa8")
        let scores = table.column(named: "anomaly_score") ?? []
        out += polyline(n, { x(table.timestamps[$0]) }, { scores.indices.contains($0) ? yScore(min(max(scores[$0], 0), 1)) : nil }, "#444")
        out += "<line x1=\"\(margin)\" x2=\"\(width - margin)\" y1=\"\(f(yScore(0.5)))\" y2=\"\(f(yScore(0.5)))\" stroke=\"#c00\" stroke-dasharray=\"4 3\"/>\n"
        out += "<text x=\"\(width - margin - 60)\" y=\"\(f(yScore(0.5) - 4))\" fill=\"#c00\">threshold</text>\n"
        let alerts = table.column(named: "alert") ?? []
        for i in alerts.indices where alerts[i] == 1 && (i == 0 || alerts[i - 1] != 1) {
            out += "<line x1=\"\(f(x(table.timestamps[i])))\" x2=\"\(f(x(table.timestamps[i])))\" y1=\"\(margin)\" y2=\"\(f(top2 + panel))\" stroke=\"#c00\" stroke-width=\"1.5\"/>\n"
        }
        out += "<text x=\"\(margin)\" y=\"\(f(top2 - 6))\">anomaly_score (shaded: labels, red: alert opens)</text>\n</svg>\n"
        return out
    }

    private func polyline(_ n: Int, _ px: (Int) -> Double, _ py: (Int) -> Double?, _ color: String) -> String {
        var points = ""
        points.reserveCapacity(n * 14)
        for i in 0..<n { if let y = py(i) { points += "\(f(px(i))),\(f(y)) " } }
        return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1\" points=\"\(points)\"/>\n"
    }

    private func f(_ v: Double) -> String { String(format: "%.1f", v) }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }
}
