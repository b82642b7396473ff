/// Branch-free single-precision `exp`, `log`, and `log1p` on [0, 1] (Cephes polynomials and a
/// Chebyshev interpolant; a few ulp on the ranges the engine uses). The Gaussian heads need an exp
/// and two logs per output point, which with libm would cost more than the gemms; these scalar
/// forms serve loop tails, and `FastMathSIMD.swift` has the same polynomials on eight lanes.
enum FastMath {
    /// e^x for x in about [-87, 88]; inputs outside are clamped.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let x = min(max(x, -87.0), 88.0)
        // n = round(x / ln 2) by the 1.5·2^23 trick; its low bits are n itself.
        let shifted = x * 1.442_695_04 + 12_582_912.0
        let n = shifted - 12_582_912.0
        var r = x - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        // Cephes's degree-5 polynomial by Estrin's scheme: a shorter dependency chain than Horner's.
        let r2 = r * r, r4 = r2 * r2
        let q0: Float = 5.000_000_12e-1 + 1.666_666_55e-1 * r
        let q1: Float = 4.166_579_59e-2 + 8.333_451_9e-3 * r
        let q2: Float = 1.398_199_95e-3 + 1.987_569_15e-4 * r
        let p: Float = q0 + q1 * r2 + q2 * r4
        let y = p * r2 + r + 1
        // 2^n: (n + 127) << 23, with n read back from the low mantissa bits of `shifted`.
        let bits = (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23
        return y * Float(bitPattern: bits)
    }

    /// Natural logarithm for finite x > 0 (normal numbers): x = 2^k · m with m in [√½, √2) by
    /// offsetting the bits (as musl does), then Cephes's polynomial in f = m − 1.
    @inline(__always)
    static func log(_ x: Float) -> Float {
        let ix = x.bitPattern &+ (0x3F80_0000 &- 0x3F35_04F3)
        let k = Float(bitPattern: ((ix >> 23) & 0x1FF) | 0x4B00_0000) - (8_388_608.0 + 127.0)
        let f = Float(bitPattern: (ix & 0x007F_FFFF) &+ 0x3F35_04F3) - 1
        let z = f * f
        let z4 = z * z
        let q0: Float = 3.333_333_12e-1 - 2.499_999_4e-1 * f
        let q1: Float = 2.000_071_48e-1 - 1.666_805_77e-1 * f
        let q2: Float = 1.424_932_28e-1 - 1.242_014_08e-1 * f
        let q3: Float = 1.167_699_87e-1 - 1.151_461_03e-1 * f
        let low: Float = q0 + q1 * z
        let high: Float = q2 + q3 * z
        let p: Float = low + high * z4 + 7.037_683_6e-2 * (z4 * z4)
        var y = p * f * z
        y += k * -2.121_944_4e-4
        y += -0.5 * z
        return f + y + k * 0.693_359_375
    }

    /// log(1 + u) for u in [0, 1]: u · q(u), q the degree-9 Chebyshev interpolant of log1p(u)/u
    /// (relative error < 2e-7), evaluated by Estrin's scheme. Cheaper than `log`, and exact near 0.
    @inline(__always)
    static func log1pUnit(_ u: Float) -> Float {
        let u2 = u * u, u4 = u2 * u2, u8 = u4 * u4
        let p01: Float = 1.0 + -0.49999892711639404 * u
        let p23: Float = 0.33329710364341736 + -0.24951615929603577 * u
        let p45: Float = 0.1966327428817749 + -0.1526966691017151 * u
        let p67: Float = 0.10543623566627502 + -0.056373611092567444 * u
        let p89: Float = 0.019542526453733444 + -0.0031760570127516985 * u
        let low: Float = p01 + p23 * u2
        let high: Float = p45 + p67 * u2
        let q: Float = low + high * u4 + p89 * u8
        return u * q
    }

    /// softplus(s) = log(1 + e^s) = max(s, 0) + log1p(e^−|s|), and its derivative sigmoid(s),
    /// from one exp and one log1p.
    @inline(__always)
    static func softplus(_ s: Float) -> (value: Float, sigmoid: Float) {
        let e = exp(-abs(s))                 // in (0, 1]
        let value = max(s, 0) + log1pUnit(e)
        let inverse = 1 / (1 + e)
        return (value, s >= 0 ? inverse : e * inverse)
    }
}
