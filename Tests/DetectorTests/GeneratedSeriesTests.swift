import Foundation
import Testing
@testable import Detector

/// The detector's promise on series nobody tuned it for, with every setting at its default (which
/// `Config/anomalyd.toml` documents and `ConfigurationTests` proves equal): no episode on a clean
/// series of any of these shapes, at a 1-minute, 5-minute or hourly step; a 10σ spike opens an
/// episode within 2 steps, an 8σ level shift within 5; an anomaly opens one episode, which
/// resolves once, and `ongoing` comes at most every `repeat_every`.
@Suite struct GeneratedSeriesTests {
    /// One case: a shape at a step, from a seed.
    struct Case: Sendable, CustomTestStringConvertible {
        let shape: GeneratedShape
        let step: Double
        let seed: UInt64
        var testDescription: String { "\(shape) every \(Int(step)) s, seed \(seed)" }

        /// Rows: 8,000 minutes (5.6 days), 6,000 five-minute steps (21 days), 2,400 hours (100 days).
        var rows: Int { step < 300 ? 8000 : step < 3600 ? 6000 : 2400 }
    }

    static let cases: [Case] = GeneratedShape.allCases.flatMap { shape in
        [60.0, 300, 3600].flatMap { step in [1, 2].map { Case(shape: shape, step: step, seed: $0) } }
    }

    /// A case the detector does not pass yet, and why.
    struct KnownIssue {
        let reason: String
        /// A false episode at the edge of the threshold: whether it appears depends on the last
        /// bits of the trained model, which OpenBLAS's CPU-specific kernels and thread count move
        /// (measured: with 2 BLAS threads instead of 1, `trend` at 60 s failed and at 3600 s passed).
        /// So the case may pass on another machine, and is not required to fail.
        var intermittent = false
    }

    /// Cases the detector does not pass yet, each with its reason (docs/QUALITY.md, "Generated
    /// series"). A case listed here that starts to pass fails as a known issue not recorded (unless
    /// it is intermittent), so the list cannot go stale.
    static let knownIssues: [String: KnownIssue] = [
        "clean trend every 3600 s, seed 1": KnownIssue(reason: trendTail, intermittent: true),
        "spike trend every 3600 s, seed 1": KnownIssue(reason: trendTail, intermittent: true),
        "shift trend every 3600 s, seed 1": KnownIssue(reason: trendTail, intermittent: true),
        "clean trend every 60 s, seed 1": KnownIssue(reason: trendTail, intermittent: true),
        "spike trend every 60 s, seed 1": KnownIssue(reason: trendTail, intermittent: true),
        "shift trend every 60 s, seed 1": KnownIssue(reason: trendTail, intermittent: true),
        "clean counts every 3600 s, seed 1": KnownIssue(reason: countsTail, intermittent: true),
        "spike counts every 3600 s, seed 1": KnownIssue(reason: countsTail, intermittent: true),
        "shift counts every 3600 s, seed 1": KnownIssue(reason: countsTail, intermittent: true),
        "spike office every 60 s, seed 1": KnownIssue(reason: officeEdges),
        "spike office every 300 s, seed 1": KnownIssue(reason: officeEdges),
        "shift office every 60 s, seed 1": KnownIssue(reason: officeEdges),
        "shift office every 300 s, seed 1": KnownIssue(reason: officeEdges),
        "shift weekly every 3600 s, seed 2": KnownIssue(reason: """
            An hourly weekly series: an 8σ shift is opened later than 5 steps; not yet traced. The \
            likeliest: it falls where the weekday swing and the weekend one differ by as much.
            """),
    ]

    private static let trendTail = """
        A false episode on the clean series (the spike and shift copies share it, so they open twice): \
        not yet traced to its cause. The likeliest: the upward trend carries the newest values past \
        the training range of a model up to a day old, where the range test's tail is overconfident.
        """
    private static let countsTail = """
        A false episode on the clean hourly counts (shared by the spike and shift copies), not yet \
        traced to its cause. The likeliest: a count's discrete steps put more windows in the model's \
        score tail than its training windows showed, before the online calibration has seen enough.
        """
    private static let officeEdges = """
        Office hours: the 09:00 and 17:00 transitions are the largest scores a model of this series \
        sees, so the score tail is fitted to them and an injected anomaly within a level scores below \
        it; it is caught late or not at all.
        """

    @Test(arguments: cases)
    func cleanSeriesRaiseNoEpisode(_ c: Case) throws {
        let series = GeneratedSeries(c.shape, .clean, step: c.step, rows: c.rows, seed: c.seed)
        let run = try GeneratedRun(series)
        try expectOrKnown("clean \(c.testDescription)") {
            #expect(run.opens.isEmpty, "false episodes at rows \(run.opens)")
        }
    }

    @Test(arguments: cases)
    func aSpikeOpensOneEpisodeWithinTwoSteps(_ c: Case) throws {
        let series = GeneratedSeries(c.shape, .spike, step: c.step, rows: c.rows, seed: c.seed)
        let run = try GeneratedRun(series)
        let row = try #require(series.anomalyRow)
        try expectOrKnown("spike \(c.testDescription)") {
            #expect(run.opens.count == 1 && (row...(row + 2)).contains(run.opens[0]),
                    "spike at row \(row); episodes opened at \(run.opens)")
            #expect(run.resolves.count == run.opens.count, "opened \(run.opens), resolved \(run.resolves)")
        }
        expectOngoingSpacing(run)
    }

    @Test(arguments: cases)
    func aLevelShiftOpensOneEpisodeWithinFiveSteps(_ c: Case) throws {
        let series = GeneratedSeries(c.shape, .shift, step: c.step, rows: c.rows, seed: c.seed)
        let run = try GeneratedRun(series)
        let row = try #require(series.anomalyRow)
        try expectOrKnown("shift \(c.testDescription)") {
            #expect(run.opens.count == 1 && (row...(row + 5)).contains(run.opens[0]),
                    "level shift at row \(row); episodes opened at \(run.opens)")
            // It resolves once the shifted level is the new normal: after `longEpisodeWindows`
            // window lengths of anomalous windows they are trained on, and the next model learns
            // the level. A series that ends within twice that of the shift may end with it open.
            let newNormal = StreamingDetector.longEpisodeWindows * GroupConfiguration().window
            if c.rows - row > 2 * newNormal {
                #expect(run.resolves.count == 1, "opened \(run.opens), resolved \(run.resolves)")
            } else {
                #expect(run.resolves.count <= 1, "opened \(run.opens), resolved \(run.resolves)")
            }
        }
        expectOngoingSpacing(run)
    }

    /// `ongoing` at most every `repeat_every` (stream time) within each episode.
    private func expectOngoingSpacing(_ run: GeneratedRun) {
        let every = GroupConfiguration().alerts.repeatEvery
        for (id, times) in run.ongoing {
            for (a, b) in zip(times, times.dropFirst()) {
                #expect(b - a >= every, "episode \(id): ongoing \(b - a) s apart, repeat_every \(every) s")
            }
        }
    }

    /// Runs `body`, as a known issue when `name` is listed in ``knownIssues``.
    private func expectOrKnown(_ name: String, _ body: () throws -> Void) throws {
        if let known = Self.knownIssues[name] {
            withKnownIssue(Comment(rawValue: known.reason), isIntermittent: known.intermittent) { try body() }
        } else {
            try body()
        }
    }
}
