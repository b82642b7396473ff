import Foundation
import Testing
@testable import Detector

/// Feeds `verdicts` one window per second starting at t = 1 and returns the states emitted;
/// every anomalous window is an onset unless `onsets` says otherwise.
private func run(
    _ tracker: inout AlertTracker, _ verdicts: [Bool], onsets: [Bool]? = nil, from start: Double = 1
) -> [(Double, AlertEvent.State)] {
    var events: [(Double, AlertEvent.State)] = []
    for (offset, anomalous) in verdicts.enumerated() {
        let time = start + Double(offset)
        let window = AlertWindow(start: time - 9, end: time, points: 10)
        let score: Double = anomalous ? 20 : 1
        let onset = anomalous && (onsets?[offset] ?? true)
        if let event = tracker.observe(
            isAnomalous: anomalous, isOnset: onset, score: score, threshold: 10,
            anomalyScore: 1 - pow(10, -score), window: window) {
            events.append((time, event.state))
        }
    }
    return events
}

/// Observes one window that is an onset when it is anomalous.
private func observe(
    _ tracker: inout AlertTracker, _ anomalous: Bool, score: Double, window: AlertWindow
) -> AlertEvent? {
    tracker.observe(
        isAnomalous: anomalous, isOnset: anomalous, score: score, threshold: 10,
        anomalyScore: 1 - pow(10, -score), window: window)
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
    let opening = observe(&tracker, true, score: 14.6, window: window)
    let open = try #require(opening)
    #expect(open.state == .open && open.score == 14.6 && open.threshold == 10)
    #expect(open.anomalyScore == 1 - pow(10, -14.6))
    #expect(abs(open.severity - 1.46) < 1e-12)
    #expect(open.window == window && open.time == 160)
    #expect(open.episodeID == AlertEpisode.makeID(seriesKey: "pump-7", openedAt: 160))
    #expect(open.episodeID.count == 16)
    let later = AlertWindow(start: 101, end: 161, points: 7)
    let repeated = observe(&tracker, true, score: 30, window: later)
    let ongoing = try #require(repeated)
    #expect(ongoing.state == .ongoing && ongoing.episodeID == open.episodeID && ongoing.severity == 3)
    let resolution = observe(&tracker, false, score: 2, window: later)
    let resolved = try #require(resolution)
    #expect(resolved.state == .resolved && resolved.episodeID == open.episodeID && resolved.score == 2)
    // A new episode gets a new id.
    let reopening = observe(
        &tracker, true, score: 12, window: AlertWindow(start: 200, end: 260, points: 7))
    let next = try #require(reopening)
    #expect(next.state == .open && next.episodeID != open.episodeID)
}

@Test func repeatEveryUsesStreamTimeNotWindowCount() {
    var tracker = AlertTracker(seriesKey: "s", configuration: .init(resolveAfter: 5, repeatEvery: 300))
    var states: [AlertEvent.State] = []
    for minute in 0..<12 {  // one window per minute, all anomalous
        let time = Double(minute) * 60
        let window = AlertWindow(start: time - 600, end: time, points: 10)
        if let event = observe(&tracker, true, score: 20, window: window) {
            states.append(event.state)
        }
    }
    #expect(states == [.open, .ongoing, .ongoing])  // at 0, 300 and 600 seconds
}

/// The continuation of an incident already reported (anomalous windows that the onset gate did
/// not pass) never opens an episode; a run that contains an onset does, even when the onset is
/// not its first window.
@Test func onlyARunWithAnOnsetOpensAnEpisode() {
    var tracker = AlertTracker(seriesKey: "s", configuration: .init(resolveAfter: 2, repeatEvery: .infinity))
    let continuation = run(&tracker, [true, true, true, false], onsets: [false, false, false, false])
    #expect(continuation.isEmpty && !tracker.isOpen)
    var pending = AlertTracker(seriesKey: "s", configuration: .init(minConsecutive: 3, resolveAfter: 2))
    let events = run(&pending, [true, true, true], onsets: [false, true, false])
    #expect(events.map(\.1) == [.open] && events.map(\.0) == [3])
    // A normal window in between forgets the onset.
    var broken = AlertTracker(seriesKey: "s", configuration: .init(minConsecutive: 2, resolveAfter: 2))
    #expect(run(&broken, [true, false, true], onsets: [true, false, false]).isEmpty)
}

/// One anomaly gives one `open` and one `resolved`, with `ongoing` at most every `repeatEvery`.
@Test func oneAnomalyIsOneEpisode() {
    var tracker = AlertTracker(seriesKey: "s", configuration: .init(resolveAfter: 5, repeatEvery: 300))
    var states: [AlertEvent.State] = []
    let verdicts = [false, false] + [Bool](repeating: true, count: 12) + [Bool](repeating: false, count: 8)
    for (index, anomalous) in verdicts.enumerated() {  // one window a minute
        let time = Double(index) * 60
        if let event = observe(&tracker, anomalous, score: anomalous ? 20 : 1,
                               window: AlertWindow(start: time - 600, end: time, points: 10)) {
            states.append(event.state)
        }
    }
    #expect(states == [.open, .ongoing, .ongoing, .resolved])  // at 2, 7 and 12 minutes, then resolved
}
