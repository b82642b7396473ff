import Foundation
import Testing

@testable import Daemon
@testable import Detector

/// Scoring on another thread (the daemon's two-core split) changes when scores are applied,
/// never what they are: the same stream gives the same results and alerts, in the same order.
/// (Results are compared by their descriptions: windows without a model have NaN model scores,
/// which `==` never finds equal.)
@Suite struct ScoringExecutorTests {
    /// The daemon's own scoring thread, counting the batches handed to it and those it ran off
    /// the thread that handed them over.
    final class ThreadExecutor: ScoringExecutor, @unchecked Sendable {
        private let thread = ScoringThread()
        private(set) var batches = 0
        /// Written on the scoring thread before it finishes, read after `wait`/`isFinished`.
        private(set) var offThread = 0

        deinit { thread.stop() }

        func start(_ work: @escaping @Sendable () -> Void) {
            batches += 1
            let caller = pthread_self()
            thread.start { [self] in
                if pthread_equal(pthread_self(), caller) == 0 { offThread += 1 }
                work()
            }
        }

        func wait() { thread.wait() }
        func isFinished() -> Bool { thread.isFinished() }
    }

    /// - Parameter eager: calls ``StreamingDetector/flushIfScorerIdle()`` after every record, as
    ///   the daemon does after a message when more wait, and ``StreamingDetector/flushInline()``
    ///   where the others flush and finish, as the daemon does once the input is drained.
    func run(executor: ThreadExecutor?, groups: [GroupConfiguration] = [smallGroup()],
             eager: Bool = false, observer: BatchCounter? = nil) throws -> RecordingSink {
        let (detector, sink) = recordingDetector(groups, limits: DetectorLimits(batchCapacity: 32))
        detector.scoringExecutor = executor
        detector.scoringObserver = observer
        var rng = SeededRandom(seed: 3)
        for i in 0..<1200 {
            for s in 0..<4 {
                let value = syntheticValue(i, rng: &rng) + (s == 2 && (900..<904).contains(i) ? 8 : 0)
                let record = TestRecord(series: "s\(s)", time: 1_700_000_000 + Double(i) * 60, fields: [("value", value)])
                _ = detector.ingest(record, receivedAt: 0)  // a full batch flushes from here, one still in flight
                if eager { detector.flushIfScorerIdle() }
            }
            if i % 25 == 24 {
                if eager {
                    detector.flushInline()
                } else {
                    detector.flush()
                    detector.finishScoring()
                }
                while let job = detector.nextTrainingJob() { detector.install(try job.run()) }
            }
        }
        detector.flush()
        detector.finishScoring()
        #expect(detector.queuedWindows == 0)
        return sink
    }

    /// Counts the batches and windows a ``ScoringObserver`` is told of, from any thread.
    final class BatchCounter: ScoringObserver, @unchecked Sendable {
        private let lock = NSLock()
        private var counts = (batches: 0, windows: 0, time: Duration.zero)
        func scored(batchOf windows: Int, in duration: Duration) {
            lock.withLock { counts = (counts.batches + 1, counts.windows + windows, counts.time + duration) }
        }
        var total: (batches: Int, windows: Int, time: Duration) { lock.withLock { counts } }
    }

    /// Every window the VAE scores is in one timed batch, inline, on the executor's thread and
    /// with eager hand-overs alike; windows judged before the model are in none.
    @Test func everyScoredBatchIsTimed() throws {
        for executor in [nil, ThreadExecutor()] {
            for eager in executor == nil ? [false] : [false, true] {
                let observer = BatchCounter()
                let sink = try run(executor: executor, eager: eager, observer: observer)
                let byModel = sink.results.count { $0.modelVersion > 0 }
                let total = observer.total
                #expect(byModel > 2000 && total.windows == byModel, "executor \(executor != nil), eager \(eager)")
                #expect(total.batches >= byModel / 32 && total.batches <= byModel)
                #expect(total.time > .zero)
            }
        }
    }

    @Test func scoringOnAnotherThreadGivesTheSameResultsInTheSameOrder() throws {
        let inline = try run(executor: nil)
        let executor = ThreadExecutor()
        let threaded = try run(executor: executor)
        #expect(executor.batches > 50 && executor.offThread == executor.batches)
        #expect(inline.models.map(\.action) == [.trained])
        #expect(threaded.results.count == inline.results.count && inline.results.count > 4000)
        #expect(threaded.results.map(String.init(describing:)) == inline.results.map(String.init(describing:)))
        #expect(!inline.alerts.isEmpty)
        #expect(threaded.alerts == inline.alerts)
    }

    /// Handing partial batches over whenever the scoring thread is idle changes the batches, and
    /// so the last bits of the scores (BLAS sums a batch of another width in another order),
    /// nothing else: the same windows are judged in the same order with the same outcomes.
    @Test func eagerHandOversGiveTheSameResults() throws {
        let inline = try run(executor: nil)
        let executor = ThreadExecutor()
        let eager = try run(executor: executor, eager: true)
        #expect(executor.batches > 100)
        #expect(eager.results.count == inline.results.count && inline.results.count > 4000)
        for (a, b) in zip(eager.results, inline.results) {
            #expect(a.series == b.series && a.sequence == b.sequence && a.modelVersion == b.modelVersion)
            #expect(a.isAnomalous == b.isAnomalous && a.alertOpen == b.alertOpen)
            #expect(abs(a.score - b.score) <= 1e-4 * max(1, abs(b.score)), "window \(b.sequence)")
        }
        #expect(!inline.alerts.isEmpty)
        func identity(_ a: AlertMessage) -> String {
            "\(a.series) \(a.event.state) \(a.event.episodeID) \(a.event.time)"
        }
        #expect(eager.alerts.map(identity) == inline.alerts.map(identity))
    }

    /// Two groups take turns on the one executor: a full batch of one group is handed over while
    /// the other's is still in flight, and each group's scores are judged in order.
    @Test func twoGroupsShareTheExecutorInOrder() throws {
        let groups = [smallGroup(name: "even", match: "s[02]"), smallGroup(name: "odd", match: "s[13]")]
        let inline = try run(executor: nil, groups: groups)
        let executor = ThreadExecutor()
        let threaded = try run(executor: executor, groups: groups)
        #expect(executor.batches > 50)
        // Eager hand-overs cut the batches elsewhere, so the two groups' results interleave
        // differently; each group's stay in order.
        let eager = try run(executor: ThreadExecutor(), groups: groups, eager: true)
        for group in 0..<2 {
            #expect(eager.results.filter { $0.group == group }.map(\.sequence)
                    == inline.results.filter { $0.group == group }.map(\.sequence))
        }
        #expect(inline.models.count == 2)
        #expect(threaded.results.count == inline.results.count && inline.results.count > 4000)
        #expect(threaded.results.map(String.init(describing:)) == inline.results.map(String.init(describing:)))
        #expect(!inline.alerts.isEmpty)
        #expect(threaded.alerts == inline.alerts)
    }
}
