#ifndef ANOMALYD_CBLAS_SHIM_H
#define ANOMALYD_CBLAS_SHIM_H
// OpenBLAS on Linux (apt libopenblas-dev); Accelerate's CBLAS on Apple platforms.
#if defined(__APPLE__)
#include <Accelerate/Accelerate.h>
static inline void anomalyd_blas_set_threads(int n) { (void)n; }
static inline const char *anomalyd_blas_core_name(void) { return "accelerate"; }
#else
#include <cblas.h>
/// Pins OpenBLAS to `n` threads: the daemon owns its threads (docs/DESIGN.md §9).
static inline void anomalyd_blas_set_threads(int n) { openblas_set_num_threads(n); }
/// The kernel set OpenBLAS chose at load time ("Prescott", "Haswell", "SkylakeX", …).
static inline const char *anomalyd_blas_core_name(void) { return openblas_get_corename(); }
#endif
#endif
