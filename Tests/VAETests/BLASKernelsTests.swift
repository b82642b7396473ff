import Testing
@testable import VAE

/// The kernel set chosen from CPU feature flags when OpenBLAS fell back to Prescott's.
@Suite struct BLASKernelsTests {
    @Test func aCPUWithAVX512GetsSkylakeXKernels() {
        let flags: Set<Substring> = ["fpu", "sse2", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        #expect(BLASKernels.supportedCoreType(flags: flags) == "SkylakeX")
    }

    @Test func aCPUWithAVX2AndFMAGetsHaswellKernels() {
        #expect(BLASKernels.supportedCoreType(flags: ["sse2", "avx", "avx2", "fma"]) == "Haswell")
        // AVX-512 foundation alone is not SkylakeX's set (Knights Landing has no avx512bw).
        #expect(BLASKernels.supportedCoreType(flags: ["avx2", "fma", "avx512f", "avx512cd"]) == "Haswell")
    }

    @Test func anOlderCPUKeepsWhatOpenBLASChose() {
        #expect(BLASKernels.supportedCoreType(flags: ["sse2", "sse3", "avx"]) == nil)
        #expect(BLASKernels.supportedCoreType(flags: []) == nil)
    }

    @Test func theChosenKernelsHaveAName() {
        #expect(!BLASKernels.coreName.isEmpty)
    }
}
