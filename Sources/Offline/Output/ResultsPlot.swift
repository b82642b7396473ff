import Foundation  // String(format:)

/// A hand-written SVG of one results file, in two panels over one UTC time axis: the first field
/// (top, in the data's own units) and the anomaly score (bottom, 0–1), with labelled windows or
/// labelled points shaded, a mark where each alert opened, and the threshold the run used.
///
/// Results files carry no threshold of their own unless they have a `threshold` column (drawn
/// as it is, row by row); otherwise the line is drawn at the lowest anomaly score at which an
/// alert opened — the threshold the run's alerts show it used — and the legend says so. NAB's
/// optimised threshold is evaluate's, not the run's, and is not drawn.
///
/// Elements a reader (or a test) can find: `g#time-axis`, `g#value-axis`, `g#score-axis` (each
/// with `g.tick` children and a `text.axis-title`), `g#legend`, and `#threshold`.
public struct ResultsPlot {
    /// The heading (the file's name).
    public let title: String
    /// A results table: timestamps, fields, `anomaly_score`, `alert`, optionally `threshold`.
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

    private let width = 1200.0, panel = 220.0, left = 80.0, right = 30.0, top = 50.0, gap = 70.0

    /// The threshold line's source and what the legend says of it.
    enum Threshold: Equatable {
        /// The results' `threshold` column, one value per row.
        case column([Double])
        /// The lowest anomaly score at which an alert opened.
        case lowestOpening(Double)
        /// No alert opened and no column: nothing to draw.
        case none

        init(_ table: CSVTable) {
            if let column = table.column(named: "threshold") {
                self = .column(column)
                return
            }
            let scores = table.column(named: "anomaly_score") ?? []
            let alerts = table.column(named: "alert") ?? []
            let openings = alerts.indices.filter { alerts[$0] == 1 && ($0 == 0 || alerts[$0 - 1] != 1) }
            self = openings.compactMap { scores.indices.contains($0) ? scores[$0] : nil }.min().map(Self.lowestOpening) ?? .none
        }

        var legend: String {
            switch self {
            case .column: "threshold (the results' threshold column)"
            case .lowestOpening(let score):
                "threshold \(String(format: "%.4f", score)): the lowest anomaly_score at which an alert opened"
                    + " (the results carry no threshold)"
            case .none: "no threshold drawn: no alert opened, and the results carry no threshold"
            }
        }
    }

    /// The SVG document.
    public func svg() -> String {
        let n = table.rowCount
        let t0 = table.timestamps.first ?? 0, t1 = max(table.timestamps.last ?? 1, t0 + 1)
        let plotWidth = width - left - right
        func x(_ t: Double) -> Double { left + (t - t0) / (t1 - t0) * plotWidth }
        let field = table.fieldNames.first ?? ""
        let values = table.column(named: field) ?? []
        let finite = values.filter(\.isFinite)
        let valueTicks = PlotTicks.values(in: (finite.min() ?? 0)...(finite.max() ?? 1))
        let lo = min(finite.min() ?? 0, valueTicks.first?.value ?? 0)
        let hi = max(finite.max() ?? 1, valueTicks.last?.value ?? 1, lo + 1e-12)
        let valueTop = top, scoreTop = top + panel + gap
        func yValue(_ v: Double) -> Double { valueTop + (1 - (v - lo) / (hi - lo)) * panel }
        func yScore(_ s: Double) -> Double { scoreTop + (1 - min(max(s, 0), 1)) * panel }
        let legendTop = scoreTop + panel + 60
        let threshold = Threshold(table)

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(legendTop + 110))\" "
            + "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(f(left))\" y=\"24\" font-size=\"14\">\(escape(title))</text>\n"
        for (a, b) in shadedSpans() {
            let x0 = x(max(a, t0)), x1 = x(min(b, t1))
            for panelTop in [valueTop, scoreTop] {
                out += "<rect class=\"label\" x=\"\(f(x0))\" y=\"\(f(panelTop))\" width=\"\(f(max(x1 - x0, 1)))\" "
                    + "height=\"\(f(panel))\" fill=\"#fde0b0\"/>\n"
            }
        }
        // Axes: a frame per panel, value and score ticks on the left, time ticks under each panel.
        for panelTop in [valueTop, scoreTop] {
            out += "<rect x=\"\(f(left))\" y=\"\(f(panelTop))\" width=\"\(f(plotWidth))\" height=\"\(f(panel))\" "
                + "fill=\"none\" stroke=\"#888\"/>\n"
        }
        out += verticalAxis("value-axis", ticks: valueTicks.map { (yValue($0.value), $0.label) },
                            title: "\(field) (the data's units)", middle: valueTop + panel / 2)
        out += verticalAxis("score-axis", ticks: PlotTicks.values(in: 0...1).map { (yScore($0.value), $0.label) },
                            title: "anomaly_score (0–1, no unit)", middle: scoreTop + panel / 2)
        out += "<g id=\"time-axis\">\n"
        for tick in PlotTicks.times(in: t0...t1) {
            for panelTop in [valueTop, scoreTop] {
                let bottom = panelTop + panel
                out += "<g class=\"tick\"><line x1=\"\(f(x(tick.time)))\" x2=\"\(f(x(tick.time)))\" y1=\"\(f(bottom))\" "
                    + "y2=\"\(f(bottom + 5))\" stroke=\"#444\"/><text x=\"\(f(x(tick.time)))\" y=\"\(f(bottom + 18))\" "
                    + "text-anchor=\"middle\">\(escape(tick.label))</text></g>\n"
            }
        }
        out += "<text class=\"axis-title\" x=\"\(f(left + plotWidth / 2))\" y=\"\(f(scoreTop + panel + 38))\" "
            + "text-anchor=\"middle\">time (UTC)</text>\n</g>\n"
        // Series.
        out += polyline(n, { x(table.timestamps[$0]) },
                        { values.indices.contains($0) && values[$0].isFinite ? yValue(values[$0]) : nil }, "#1f5fa8")
        let scores = table.column(named: "anomaly_score") ?? []
        out += polyline(n, { x(table.timestamps[$0]) }, { scores.indices.contains($0) ? yScore(scores[$0]) : nil }, "#444")
        switch threshold {
        case .column(let column):
            out += polyline(n, { x(table.timestamps[$0]) }, { column[$0].isFinite ? yScore(column[$0]) : nil }, "#c00",
                            id: "threshold", dashed: true)
        case .lowestOpening(let score):
            out += "<line id=\"threshold\" x1=\"\(f(left))\" x2=\"\(f(left + plotWidth))\" y1=\"\(f(yScore(score)))\" "
                + "y2=\"\(f(yScore(score)))\" stroke=\"#c00\" stroke-dasharray=\"4 3\"/>\n"
        case .none:
            break
        }
        let alerts = table.column(named: "alert") ?? []
        for i in alerts.indices where alerts[i] == 1 && (i == 0 || alerts[i - 1] != 1) {
            out += "<line class=\"alert-open\" x1=\"\(f(x(table.timestamps[i])))\" x2=\"\(f(x(table.timestamps[i])))\" "
                + "y1=\"\(f(valueTop))\" y2=\"\(f(scoreTop + panel))\" stroke=\"#c00\" stroke-width=\"1.5\"/>\n"
        }
        out += legend(top: legendTop, field: field, threshold: threshold)
        return out + "</svg>\n"
    }

    /// The labelled windows (NAB) and runs of labelled points (SKAB), as time spans.
    private func shadedSpans() -> [(Double, Double)] {
        var spans = windows.map { ($0.start, $0.end) }
        guard let labels = pointLabels else { return spans }
        var i = 0
        while i < min(labels.count, table.rowCount) {
            guard labels[i] else { i += 1; continue }
            var j = i
            while j + 1 < min(labels.count, table.rowCount) && labels[j + 1] { j += 1 }
            spans.append((table.timestamps[i], table.timestamps[j]))
            i = j + 1
        }
        return spans
    }

    /// A left-hand axis: a tick and label at each `y`, the title turned along the axis.
    private func verticalAxis(_ id: String, ticks: [(y: Double, label: String)], title: String, middle: Double) -> String {
        var out = "<g id=\"\(id)\">\n"
        for tick in ticks {
            out += "<g class=\"tick\"><line x1=\"\(f(left - 5))\" x2=\"\(f(left))\" y1=\"\(f(tick.y))\" y2=\"\(f(tick.y))\" "
                + "stroke=\"#444\"/><text x=\"\(f(left - 8))\" y=\"\(f(tick.y + 4))\" text-anchor=\"end\">"
                + "\(escape(tick.label))</text></g>\n"
        }
        out += "<text class=\"axis-title\" x=\"16\" y=\"\(f(middle))\" text-anchor=\"middle\" "
            + "transform=\"rotate(-90 16 \(f(middle)))\">\(escape(title))</text>\n</g>\n"
        return out
    }

    /// The legend: one swatch and line of text per thing drawn.
    private func legend(top: Double, field: String, threshold: Threshold) -> String {
        let entries: [(swatch: String, text: String)] = [
            ("<line x1=\"0\" x2=\"24\" y1=\"0\" y2=\"0\" stroke=\"#1f5fa8\" stroke-width=\"2\"/>", field),
            ("<line x1=\"0\" x2=\"24\" y1=\"0\" y2=\"0\" stroke=\"#444\" stroke-width=\"2\"/>", "anomaly_score"),
            ("<line x1=\"0\" x2=\"24\" y1=\"0\" y2=\"0\" stroke=\"#c00\" stroke-dasharray=\"4 3\"/>", threshold.legend),
            ("<line x1=\"12\" x2=\"12\" y1=\"-7\" y2=\"7\" stroke=\"#c00\" stroke-width=\"1.5\"/>", "an alert opens"),
            ("<rect x=\"0\" y=\"-6\" width=\"24\" height=\"12\" fill=\"#fde0b0\"/>", "labelled anomaly"),
        ]
        var out = "<g id=\"legend\">\n"
        for (index, entry) in entries.enumerated() {
            let y = top + Double(index) * 20
            out += "<g class=\"entry\" transform=\"translate(\(f(left)) \(f(y)))\">\(entry.swatch)"
                + "<text x=\"32\" y=\"4\">\(escape(entry.text))</text></g>\n"
        }
        return out + "</g>\n"
    }

    private func polyline(_ n: Int, _ px: (Int) -> Double, _ py: (Int) -> Double?, _ color: String,
                          id: String? = nil, dashed: Bool = false) -> String {
        var points = ""
        points.reserveCapacity(n * 14)
        for i in 0..<n { if let y = py(i) { points += "\(f(px(i))),\(f(y)) " } }
        let attributes = (id.map { " id=\"\($0)\"" } ?? "") + (dashed ? " stroke-dasharray=\"4 3\"" : "")
        return "<polyline\(attributes) fill=\"none\" stroke=\"\(color)\" stroke-width=\"1\" points=\"\(points)\"/>\n"
    }

    private func f(_ v: Double) -> String { String(format: "%.1f", v) }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
