import CBLAS

/// Process-wide settings of the VAE engine.
public enum VAEModule {
    /// Pins BLAS to one thread. The daemon owns its threads (docs/DESIGN.md §9): call this once at start-up
    /// so that scoring and training never oversubscribe the cores.
    public static func pinThreads() { anomalyd_blas_set_threads(1) }
}
