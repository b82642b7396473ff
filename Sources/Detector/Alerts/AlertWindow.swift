/// The window an alert is about, on the series' grid.
public struct AlertWindow: Equatable, Sendable {
    /// Grid time of the oldest step.
    public var start: Double
    /// Grid time of the newest step.
    public var end: Double
    /// Points (steps) in the window.
    public var points: Int

    /// Creates a window span.
    public init(start: Double, end: Double, points: Int) {
        self.start = start
        self.end = end
        self.points = points
    }
}
