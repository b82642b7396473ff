/// Parses the duration strings of docs/DESIGN.md §5: `"500ms"`, `"90s"`, `"5m"`, `"1h"`, `"2d"`, also `"1.5h"`.
///
/// Returns seconds, or nil when the text is not a positive finite duration.
public func parseDuration(_ text: String) -> Double? {
    let trimmed = text.trimmingSpaces()
    let units: [(suffix: String, seconds: Double)] = [
        ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800),
    ]
    for unit in units where trimmed.hasSuffix(unit.suffix) {
        let number = trimmed.dropLast(unit.suffix.count).trimmingSpaces()
        // "5ms" must not be read as "5m" + "s": longest suffix is tried first.
        guard let value = Double(number), value.isFinite, value > 0 else { return nil }
        return value * unit.seconds
    }
    return nil
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
