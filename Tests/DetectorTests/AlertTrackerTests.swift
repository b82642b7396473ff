import Testing
@testable import Detector

/// Feeds `verdicts` one window per second starting at t = 1 and returns the states emitted.
private func run(
    _ tracker: inout AlertTracker, _ verdicts: [Bool], from start: Double = 1
) -> [(Double, AlertEvent.State)] {
    var events: [(Double, AlertEvent.State)] = []
    for (offset, anomalous) in verdicts.enumerated() {
        let time = start + Double(offset)
        let window = AlertWindow(start: time - 9, end: time, points: 10)
        let score: Double = anomalous ? 20 : 1
        if let event = tracker.observe(isAnomalous: anomalous, score: score, threshold: 10, window: window) {
            events.append((time, event.state))
        }
    }
    return events
}

@Test func opensRepeatsAndResolves() {
    var tracker = AlertTracker(
        seriesKey: "pump-7", configuration: .init(minConsecutive: 1, resolveAfter: 2, repeatEvery: 3))
    let events = run(&tracker, [false, true, true, true, true, true, false, true, false, false, false])
    // Open at 2; remind at 5 and 8 (3 s apart; the normal window at 7 does not end it);
    // resolve on the second normal window in a row, at 10.
    #expect(events.map(\.0) == [2, 5, 8, 10])
    #expect(events.map(\.1) == [.open, .ongoing, .ongoing, .resolved])
    #expect(!tracker.isOpen)
}

@Test func minConsecutiveDelaysTheOpening() {
    var tracker = AlertTracker(
        seriesKey: "s", configuration: .init(minConsecutive: 3, resolveAfter: 1, repeatEvery: .infinity))
    let events = run(&tracker, [true, true, false, true, true, true, true])
    #expect(events.map(\.0) == [6])
    #expect(events.map(\.1) == [.open])
    #expect(tracker.episode?.anomalousWindows == 4)
}

@Test func anAnomalousWindowRestartsTheResolveCount() {
    var tracker = AlertTracker(seriesKey: "s", configuration: .init(resolveAfter: 3, repeatEvery: .infinity))
    let events = run(&tracker, [true, false, false, true, false, false, false])
    #expect(events.map(\.1) == [.open, .resolved])
    #expect(events.map(\.0) == [1, 7])
}

@Test func eventsCarryTheCausingWindowAndOneEpisodeID() throws {
    var tracker = AlertTracker(seriesKey: "pump-7", configuration: .init(resolveAfter: 1, repeatEvery: 0))
    let window = AlertWindow(start: 100, end: 160, points: 7)
    let opening = tracker.observe(isAnomalous: true, score: 14.6, threshold: 10, window: window)
    let open = try #require(opening)
    #expect(open.state == .open && open.score == 14.6 && open.threshold == 10)
    #expect(abs(open.severity - 1.46) < 1e-12)
    #expect(open.window == window && open.time == 160)
    #expect(open.episodeID == AlertEpisode.makeID(seriesKey: "pump-7", openedAt: 160))
    #expect(open.episodeID.count == 16)
    let later = AlertWindow(start: 101, end: 161, points: 7)
    let repeated = tracker.observe(isAnomalous: true, score: 30, threshold: 10, window: later)
    let ongoing = try #require(repeated)
    #expect(ongoing.state == .ongoing && ongoing.episodeID == open.episodeID && ongoing.severity == 3)
    let resolution = tracker.observe(isAnomalous: false, score: 2, threshold: 10, window: later)
    let resolved = try #require(resolution)
    #expect(resolved.state == .resolved && resolved.episodeID == open.episodeID && resolved.score == 2)
    // A new episode gets a new id.
    let reopening = tracker.observe(
        isAnomalous: true, score: 12, threshold: 10, window: AlertWindow(start: 200, end: 260, points: 7))
    let next = try #require(reopening)
    #expect(next.state == .open && next.episodeID != open.episodeID)
}

@Test func repeatEveryUsesStreamTimeNotWindowCount() {
    var tracker = AlertTracker(seriesKey: "s", configuration: .init(resolveAfter: 5, repeatEvery: 300))
    var states: [AlertEvent.State] = []
    for minute in 0..<12 {  // one window per minute, all anomalous
        let time = Double(minute) * 60
        let window = AlertWindow(start: time - 600, end: time, points: 10)
        if let event = tracker.observe(isAnomalous: true, score: 20, threshold: 10, window: window) {
            states.append(event.state)
        }
    }
    #expect(states == [.open, .ongoing, .ongoing])  // at 0, 300 and 600 seconds
}

@Test func restartedMeasuresKeepTheEpisodeButNotItsPeakOrLength() {
    var tracker = AlertTracker(
        seriesKey: "s", configuration: .init(minConsecutive: 1, resolveAfter: 3, repeatEvery: .infinity))
    _ = run(&tracker, [true, true])  // severity 2, two anomalous windows
    let id = tracker.episode?.id
    #expect(tracker.episode?.peakSeverity == 2 && tracker.episode?.anomalousWindows == 2)
    tracker.restartMeasures()
    #expect(tracker.isOpen && tracker.episode?.id == id)
    #expect(tracker.episode?.peakSeverity == 1 && tracker.episode?.anomalousWindows == 0)
    let events = run(&tracker, [true, false, false, false], from: 3)
    #expect(events.map(\.1) == [.resolved])  // the same episode goes on, then resolves
    var idle = AlertTracker(seriesKey: "t")
    idle.restartMeasures()
    #expect(!idle.isOpen)
}
