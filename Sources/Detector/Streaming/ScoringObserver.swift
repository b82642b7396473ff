/// Told how long each batch's VAE scoring took (the VAE passes alone, as ``ScoringExecutor`` runs
/// them), on the thread that scored it: the caller's, or the executor's. So it must be
/// thread-safe and quick — an atomic or a histogram observation, no I/O, no allocation.
public protocol ScoringObserver: AnyObject, Sendable {
    /// The VAE scored a batch of `windows` windows in `duration`.
    func scored(batchOf windows: Int, in duration: Duration)
}
