#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBLAS

/// Which of OpenBLAS's kernel sets runs, and a correction when it chose the slowest one wrongly.
///
/// Debian's OpenBLAS is built for every x86-64 generation and picks its kernels when it is loaded,
/// from the CPU's family and model numbers. Virtual machines often report a generic model
/// ("Intel Xeon Processor"), and OpenBLAS then falls back to its Prescott (SSE3) kernels even on
/// a CPU with AVX2 or AVX-512. Measured on such a machine: `detect` over a 6,000-row series took
/// 3.92 s with the Prescott kernels, 2.79 s with Haswell's (AVX2) and 2.33 s with SkylakeX's
/// (AVX-512), with the same alerts (the scores move, as any change of summation order moves a
/// trained model). `OPENBLAS_CORETYPE` overrides the choice, but
/// only at load time, before `main` runs. So a process that finds the fallback on a CPU whose
/// feature flags support a better set re-executes itself once, with the variable set.
public enum BLASKernels {
    /// The kernel set OpenBLAS chose ("Prescott", "Haswell", "SkylakeX", …).
    public static var coreName: String { String(cString: anomalyd_blas_core_name()) }

    /// The best kernel set that CPU feature flags (as in `/proc/cpuinfo`) support, among those a
    /// misdetection leaves out; nil when the flags support neither.
    static func supportedCoreType(flags: Set<Substring>) -> String? {
        let skylakeX: Set<Substring> = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        if skylakeX.isSubset(of: flags) { return "SkylakeX" }
        if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        return nil
    }

    /// Re-executes this process with `OPENBLAS_CORETYPE` set, when OpenBLAS fell back to its
    /// Prescott kernels although the CPU supports better ones. Returns when nothing is to be done,
    /// or when the re-execution fails (the process then runs on as it is). A user's own
    /// `OPENBLAS_CORETYPE` is never overridden, and the variable set here ends the re-execution
    /// after one round.
    public static func reexecutingIfMisdetected() {
#if os(Linux)
        guard getenv("OPENBLAS_CORETYPE") == nil, coreName == "Prescott",
              let cpuinfo = fopen("/proc/cpuinfo", "r") else { return }
        defer { fclose(cpuinfo) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        var flags: Set<Substring> = []
        while getline(&line, &capacity, cpuinfo) > 0, let line {
            let text = String(cString: line)
            if text.hasPrefix("flags") {
                flags = Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }))
                break
            }
        }
        guard let core = supportedCoreType(flags: flags) else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", arguments)
        // Only reached when execv failed: run on with the kernels already loaded.
        unsetenv("OPENBLAS_CORETYPE")
#endif
    }
}
