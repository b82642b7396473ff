import Testing

@testable import Detector

/// The batch normalisation's SIMD path (one field) and scalar path (strided fields) give what the
/// definition says, value by value: `(x − center) / spread` clipped to ±10⁶, 0 where unobserved
/// or not finite.
@Suite struct NormalizationTests {
    static func expected(_ x: Float, observed: Bool, center: Float, spread: Float) -> Float {
        guard observed else { return 0 }
        let scaled = (x - center) / spread
        return scaled.isFinite ? min(max(scaled, -1e6), 1e6) : 0
    }

    @Test(arguments: [1, 2, 3])
    func everyValueIsScaledClippedOrZeroed(fields: Int) {
        // 37 steps: four SIMD blocks of eight and a scalar tail for one field.
        let steps = 37, D = steps * fields
        var rng = SeededRandom(seed: 11)
        var x = (0..<D).map { _ in Float.random(in: -10..<10, using: &rng) }
        var m = (0..<D).map { _ in Double.random(in: 0..<1, using: &rng) < 0.8 ? Float(1) : 0 }
        x[3] = .infinity; m[3] = 1
        x[5] = -.infinity; m[5] = 1
        x[9] = .nan; m[9] = 1
        x[12] = 3e12; m[12] = 1  // clipped to +10⁶
        x[20] = -3e12; m[20] = 1
        x[30] = 4; m[30] = 0  // unobserved: 0 whatever the value
        let centers: [Float] = [1.5, -2, 0.25], spreads: [Float] = [0.5, 3, 1e-6]
        var input = [Float](repeating: .nan, count: D)
        x.withUnsafeBufferPointer { xs in
            m.withUnsafeBufferPointer { ms in
                input.withUnsafeMutableBufferPointer { out in
                    for f in 0..<fields {
                        StreamingDetector.scale(xs.baseAddress! + f, mask: ms.baseAddress! + f, stride: fields,
                                                count: (D - f + fields - 1) / fields, center: centers[f],
                                                spread: spreads[f], into: out.baseAddress! + f)
                    }
                }
            }
        }
        for j in 0..<D {
            let f = j % fields
            let want = Self.expected(x[j], observed: m[j] > 0, center: centers[f], spread: spreads[f])
            #expect(input[j] == want, "value \(j) of \(fields) field(s): \(input[j]) vs \(want)")
        }
        #expect(input[12] == 1e6 && input[20] == -1e6 && input[3] == 0 && input[9] == 0 && input[30] == 0)
    }
}
