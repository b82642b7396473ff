/// Runs the detector's batch scoring — the VAE passes over one normalised batch, nothing else —
/// away from the caller's thread, so that a caller with two cores windows the next records while
/// the last batch is scored (the daemon's two-core split).
///
/// The detector has no threads of its own (docs/ARCHITECTURE.md): the caller provides this. The detector
/// calls it from one thread only, with at most one work item outstanding: ``start(_:)``, then
/// ``wait()`` (or ``isFinished()`` answering true) before the next ``start(_:)``.
public protocol ScoringExecutor: AnyObject {
    /// Starts `work` on the executor's thread and returns at once.
    func start(_ work: @escaping @Sendable () -> Void)
    /// Returns once the work last started has finished (at once if there is none).
    func wait()
    /// Whether the work last started has finished (true if there is none), without waiting;
    /// once it answers true, ``wait()`` returns at once.
    func isFinished() -> Bool
}
