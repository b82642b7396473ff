import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Offline

/// The elements of an SVG document, parsed as XML: each with its attributes, its text and the
/// `id`s of the groups around it.
private final class SVGElements: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
        var within: [String]  // ids of the enclosing elements, outermost first
    }
    private(set) var elements: [Element] = []
    private var open: [Int] = []

    init(_ svg: String) throws {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        guard parser.parse() else { throw parser.parserError ?? CSVError(line: 0, message: "not XML") }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let within = open.compactMap { elements[$0].attributes["id"] }
        elements.append(Element(name: name, attributes: attributes, within: within))
        open.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        open.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let last = open.last { elements[last].text += string }
    }

    /// The texts inside the group `id`.
    func texts(in id: String) -> [String] { elements.filter { $0.name == "text" && $0.within.contains(id) }.map(\.text) }
    /// The `.tick` groups inside `id`, with their label and their line's position.
    func ticks(in id: String) -> [(label: String, x: Double, y: Double)] {
        elements.indices.filter { elements[$0].attributes["class"] == "tick" && elements[$0].within.contains(id) }.map { i in
            let line = elements[i + 1], text = elements[i + 2]
            return (text.text, Double(line.attributes["x1"] ?? "") ?? .nan, Double(line.attributes["y1"] ?? "") ?? .nan)
        }
    }
    func element(id: String) -> Element? { elements.first { $0.attributes["id"] == id } }
}

/// Two days of hourly rows with two alert episodes, opening at scores 0.8 and 0.7.
private func results(threshold: [Double]? = nil, alerts: Bool = true) -> CSVTable {
    let n = 48
    var scores = (0..<n).map { 0.1 + 0.01 * Double($0 % 5) }
    var alert = [Double](repeating: 0, count: n)
    if alerts {
        scores[10] = 0.8; scores[11] = 0.9; alert[10] = 1; alert[11] = 1
        scores[30] = 0.7; alert[30] = 1
    }
    var others = ["anomaly_score": scores, "alert": alert]
    if let threshold { others["threshold"] = threshold }
    return CSVTable(timeColumn: "timestamp", fieldNames: ["speed"], timestamps: (0..<n).map { 1_699_920_000 + Double($0) * 3600 },
                    values: (0..<n).map { 50 + 10 * sin(Double($0) / 4) }, otherColumns: others)
}

@Test func thePlotHasTimeAndValueAxesWithTicksAndUnits() throws {
    let svg = try SVGElements(ResultsPlot(title: "realTraffic/x.csv", table: results(), windows: [
        LabelledWindow(start: 1_699_920_000 + 9 * 3600, end: 1_699_920_000 + 12 * 3600)], pointLabels: nil).svg())
    let time = svg.ticks(in: "time-axis")
    #expect(time.count >= 8, "\(time)")
    #expect(time.contains { $0.label == "11-15 00:00" }, "\(time.map(\.label))")
    #expect(zip(time, time.dropFirst()).allSatisfy { $0.x <= $1.x })
    #expect(svg.texts(in: "time-axis").contains("time (UTC)"))
    let value = svg.ticks(in: "value-axis")
    #expect(value.count >= 3 && value.allSatisfy { Double($0.label) != nil }, "\(value)")
    #expect(zip(value, value.dropFirst()).allSatisfy { Double($0.label)! < Double($1.label)! && $0.y > $1.y })
    #expect(svg.texts(in: "value-axis").contains("speed (the data's units)"))
    #expect(svg.ticks(in: "score-axis").map(\.label) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
    #expect(svg.texts(in: "score-axis").contains("anomaly_score (0–1, no unit)"))
    #expect(svg.elements.count { $0.attributes["class"] == "label" } == 2)  // the window, in both panels
    #expect(svg.elements.count { $0.attributes["class"] == "alert-open" } == 2)
}

/// Without a threshold column, the line is the lowest score at which an alert opened, and the
/// legend says so.
@Test func theThresholdIsTheLowestScoreAnAlertOpenedAt() throws {
    let svg = try SVGElements(ResultsPlot(title: "x", table: results(), windows: [], pointLabels: nil).svg())
    let line = try #require(svg.element(id: "threshold"))
    #expect(line.name == "line")
    let ticks = svg.ticks(in: "score-axis")
    let y6 = try #require(ticks.first { $0.label == "0.6" }).y, y8 = try #require(ticks.first { $0.label == "0.8" }).y
    let y = try #require(Double(line.attributes["y1"] ?? ""))
    #expect(abs(y - (y6 + y8) / 2) < 0.2, "0.7 is halfway between the 0.6 and 0.8 ticks")
    let legend = svg.texts(in: "legend")
    #expect(legend.count == 5)
    #expect(legend.contains("threshold 0.7000: the lowest anomaly_score at which an alert opened (the results carry no threshold)"))
    #expect(legend.contains("speed") && legend.contains("anomaly_score") && legend.contains("an alert opens"))
}

@Test func aThresholdColumnIsDrawnAsItIsAndNoAlertMeansNoLine() throws {
    let column = try SVGElements(ResultsPlot(title: "x", table: results(threshold: .init(repeating: 0.5, count: 48)),
                                             windows: [], pointLabels: nil).svg())
    #expect(column.element(id: "threshold")?.name == "polyline")
    #expect(column.texts(in: "legend").contains("threshold (the results' threshold column)"))
    let quiet = try SVGElements(ResultsPlot(title: "x", table: results(alerts: false), windows: [], pointLabels: nil).svg())
    #expect(quiet.element(id: "threshold") == nil)
    #expect(quiet.texts(in: "legend").contains("no threshold drawn: no alert opened, and the results carry no threshold"))
}

@Test func ticksAreRoundValuesAndInstants() {
    #expect(PlotTicks.values(in: 0...1).map(\.label) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
    #expect(PlotTicks.values(in: -0.3...0.25).map(\.label) == ["-0.2", "0", "0.2"])
    #expect(PlotTicks.values(in: 13...87).map(\.label) == ["20", "40", "60", "80"])
    #expect(PlotTicks.values(in: 5...5).count == 1)
    let days = PlotTicks.times(in: 1_700_000_000...(1_700_000_000 + 30 * 86_400))
    #expect(days.allSatisfy { $0.time.truncatingRemainder(dividingBy: 86_400) == 0 && $0.label.count == 10 })
    #expect(PlotTicks.times(in: 0...50).map(\.label).first == "00:00:00")
}
