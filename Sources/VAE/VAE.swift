import CBLAS
/// The Gaussian VAE engine on BLAS.
public enum VAEModule {
    public static func pinThreads() { anomalyd_blas_set_threads(1) }
}
