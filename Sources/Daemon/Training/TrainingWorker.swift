import Detector
import Foundation

/// Runs ``TrainingJob``s on a thread of its own, one at a time, so training never blocks the
/// work loop (docs/DESIGN.md §9). The work loop submits a job and later collects the outcome with
/// ``takeFinished()``; installing the model (the atomic swap) stays on the work loop's thread.
public final class TrainingWorker: @unchecked Sendable {
    /// One finished job.
    public struct Outcome: Sendable {
        /// The job that ran.
        public var job: TrainingJob
        /// The trained model, or why training failed.
        public var result: Result<TrainedModel, any Error>
        /// Wall time of the training.
        public var duration: Duration
    }

    // @unchecked Sendable: every stored property below is guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [TrainingJob] = []
    private var finished: [Outcome] = []
    private var running = false
    private var stopped = false
    private var thread: Thread?

    /// Starts the training thread. The thread keeps the worker alive until ``stop()`` ends it:
    /// an `unowned` capture crashed the process when the worker's owner was released first (a
    /// daemon whose sockets failed to bind right after creating it). Call ``stop()`` when done.
    public init() {
        let thread = Thread { [self] in self.loop() }
        thread.name = "anomalyd-training"
        thread.stackSize = 8 << 20
        self.thread = thread
        thread.start()
    }

    /// Whether a job is queued or running.
    public var isBusy: Bool {
        condition.withLock { running || !queue.isEmpty }
    }

    /// Queues a job.
    public func submit(_ job: TrainingJob) {
        condition.withLock {
            queue.append(job)
            condition.signal()
        }
    }

    /// The outcomes finished since the last call, oldest first.
    public func takeFinished() -> [Outcome] {
        condition.withLock {
            defer { finished.removeAll() }
            return finished
        }
    }

    /// Waits until nothing is queued or running, or `timeout` passes; true when idle.
    public func waitUntilIdle(timeout: Duration) -> Bool {
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18)
        return condition.withLock {
            while running || !queue.isEmpty {
                if !condition.wait(until: deadline) { return false }
            }
            return true
        }
    }

    /// Stops the thread after the running job (queued jobs are dropped); returns at once.
    public func stop() {
        condition.withLock {
            stopped = true
            queue.removeAll()
            condition.broadcast()
        }
    }

    private func loop() {
        // Below the hot path's threads: on a busy machine a retrain takes longer, rather than
        // delaying alerts (`anomalyd-bench e2e`'s p99 while retraining). On Linux the nice value
        // is per thread, and `who = 0` names the calling thread alone.
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
        while true {
            let job: TrainingJob
            condition.lock()
            while queue.isEmpty && !stopped { condition.wait() }
            if stopped {
                condition.unlock()
                return
            }
            job = queue.removeFirst()
            running = true
            condition.unlock()

            let clock = ContinuousClock()
            let start = clock.now
            let result = Result { try job.run() }
            let outcome = Outcome(job: job, result: result, duration: clock.now - start)

            condition.withLock {
                running = false
                finished.append(outcome)
                condition.broadcast()
            }
        }
    }
}
