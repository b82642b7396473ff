import Detector
import Foundation

/// The second thread of the daemon's hot path: it runs the detector's batch scoring (the VAE
/// passes) while the work loop receives, parses and windows the next records — the two-core
/// split. The handoff is two semaphores per batch (a batch is up to 256 windows), never a lock
/// or an allocation per record.
///
/// Only the work loop calls ``start(_:)``, ``wait()`` and ``isFinished()`` (the detector's
/// contract), so `outstanding` is the work loop's own; `work` is written before `started` is
/// signalled and read after it is waited on, so the semaphore orders the two threads' accesses.
final class ScoringThread: ScoringExecutor, @unchecked Sendable {
    private let started = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var work: (@Sendable () -> Void)?
    private var outstanding = false
    private var stopping = false

    /// Whether to split: `ANOMALYD_SCORING_THREAD=1` or `0` decides; otherwise with two cores or
    /// more. Measured with `anomalyd-bench e2e` on two shared cores (docs/PERFORMANCE.md): once
    /// the next batch is normalised while the last one is scored and that one's scores are judged
    /// while the next is scored (``Detector/StreamingDetector``'s pipeline), the split drains
    /// 270–300k records/s against 220–230k inline.
    static var pays: Bool {
        switch ProcessInfo.processInfo.environment["ANOMALYD_SCORING_THREAD"] {
        case "1": true
        case "0": false
        default: ProcessInfo.processInfo.activeProcessorCount >= 2
        }
    }

    init() {
        let thread = Thread { [self] in loop() }
        thread.name = "anomalyd-scoring"
        thread.stackSize = 8 << 20
        thread.start()
    }

    func start(_ work: @escaping @Sendable () -> Void) {
        precondition(!outstanding, "one scoring batch at a time")
        self.work = work
        outstanding = true
        started.signal()
    }

    func wait() {
        guard outstanding else { return }
        finished.wait()
        outstanding = false
    }

    func isFinished() -> Bool {
        guard outstanding else { return true }
        guard finished.wait(timeout: .now()) == .success else { return false }
        outstanding = false
        return true
    }

    /// Ends the thread once the batch in flight is done.
    func stop() {
        wait()
        stopping = true
        started.signal()
    }

    private func loop() {
        while true {
            started.wait()
            if stopping { return }
            work?()
            work = nil
            finished.signal()
        }
    }
}
