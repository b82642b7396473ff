#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBLAS
import VAE

/// `anomalyd-bench vae`: Donut's VAE (window 120, 1 field, hidden [100, 100], latent 8, Float32)
/// on one BLAS thread. Prints `vae.score.batch1`, `vae.score.batch256` (reconstruction NLL +
/// latent distance from μ_z) and `vae.train.batch256` (Adam, one z sample, forward + backward +
/// step). `Benchmarks/peers/torch_vae.py` does the same work in PyTorch. `only` (batch1, batch256
/// or train) runs one figure, for profiling.
func runVAEBenchmark(only: String? = nil) {
    anomalyd_blas_set_threads(1)
    let window = 120, batch = 256
    let config = VAEConfig(inputSize: window, hidden: [100, 100], latent: 8)
    var rng = SeededRandom(seed: 7)
    var windows = [Float](repeating: 0, count: batch * window)
    for i in 0..<windows.count {
        windows[i] = sinf(Float(i) * (2 * Float.pi / 60)) + 0.1 * rng.normal()
    }
    guard var model = try? VAEModel(config: config, seed: 42) else { fatalError("bad benchmark config") }
    model.latentStatistics = .standard(latent: config.latent)
    let scorer = Scorer(model: model, capacity: batch)
    var nll = [Float](repeating: 0, count: batch), distance = nll

    windows.withUnsafeBufferPointer { x in
        nll.withUnsafeMutableBufferPointer { o in
            distance.withUnsafeMutableBufferPointer { d in
                for (name, count) in [("batch1", 1), ("batch256", batch)] where only == nil || only == name {
                    let rate = measure {
                        scorer.score(x.baseAddress!, count: count, nll: o.baseAddress!, latentDistance: d.baseAddress!)
                    }
                    print("vae.score.\(name) \(Int(rate * Double(count))) windows/s")
                }
            }
        }
    }

    guard only == nil || only == "train" else { return }
    var settings = TrainingConfig()
    settings.batchSize = batch
    settings.weightDecay = 0
    settings.gradientClipNorm = nil
    let trainer = Trainer(model: model, settings: settings)
    windows.withUnsafeBufferPointer { x in
        let rate = measure { trainer.step(x.baseAddress!, mask: nil, count: batch) }
        print("vae.train.batch256 \(Int(rate * Double(batch))) samples/s")
    }
}

/// Calls `body` in `trials` slices of about `seconds` of this thread's CPU time each (after one
/// warm-up call) and returns the best slice's calls per CPU second. CPU time and best-of-slices,
/// because the benchmark host is shared: the peer script measures the same way
/// (`time.thread_time`, best of 5), so the ratios stay meaningful.
private func measure(trials: Int = 5, seconds: Double = 0.4, _ body: () -> Void) -> Double {
    body()
    var best = 0.0
    for _ in 0..<trials {
        let start = threadCPUSeconds()
        var calls = 0
        var elapsed = 0.0
        repeat {
            for _ in 0..<8 { body() }
            calls += 8
            elapsed = threadCPUSeconds() - start
        } while elapsed < seconds
        best = max(best, Double(calls) / elapsed)
    }
    return best
}

private func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
