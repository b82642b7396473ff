/// Eight-lane versions of `FastMath` for the per-point loops of the Gaussian heads.
///
/// Every select is written with sign-bit masks and bitwise operations: the generic SIMD
/// `replacing(with:where:)` and `pointwiseMin` are per-lane loops that LLVM leaves scalar.
typealias FloatV = SIMD8<Float>
typealias UIntV = SIMD8<UInt32>
typealias IntV = SIMD8<Int32>

extension FastMath {
    @inline(__always) static func bits(_ x: FloatV) -> UIntV { unsafeBitCast(x, to: UIntV.self) }
    @inline(__always) static func float(_ x: UIntV) -> FloatV { unsafeBitCast(x, to: FloatV.self) }

    /// All ones in the lanes where x < 0 (sign bit set), zero elsewhere.
    @inline(__always) static func negativeMask(_ x: FloatV) -> UIntV {
        unsafeBitCast(unsafeBitCast(x, to: IntV.self) &>> 31, to: UIntV.self)
    }

    /// mask ? a : b, lane by lane.
    @inline(__always) static func select(_ mask: UIntV, _ a: FloatV, _ b: FloatV) -> FloatV {
        float((bits(a) & mask) | (bits(b) & ~mask))
    }

    /// e^x for x ≤ 0 (the only use: e^−|s| in softplus); 0 for x below −87, where e^x is below
    /// Float's normal range. The underflowing lanes are cleared at the end instead of clamping x
    /// first, which keeps the select off the dependency chain; softplus and σ are unchanged by it
    /// (e^−87 is lost next to |s| ≥ 87 or ε either way).
    @inline(__always)
    static func exp(_ x: FloatV) -> FloatV {
        let underflow = negativeMask(x + 87)
        let shifted = x * 1.442_695_04 + 12_582_912.0
        let n = shifted - 12_582_912.0
        var r = x - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        // Cephes's degree-5 polynomial by Estrin's scheme: a shorter dependency chain than Horner's.
        let r2 = r * r, r4 = r2 * r2
        let q0: FloatV = 5.000_000_12e-1 + 1.666_666_55e-1 * r
        let q1: FloatV = 4.166_579_59e-2 + 8.333_451_9e-3 * r
        let q2: FloatV = 1.398_199_95e-3 + 1.987_569_15e-4 * r
        let p: FloatV = q0 + q1 * r2 + q2 * r4
        let y = p * r2 + r + 1
        return float(bits(y * float((bits(shifted) &- (0x4B40_0000 - 127)) &<< 23)) & ~underflow)
    }

    /// log for positive normal x: x = 2^k · m with m in [√½, √2) by offsetting the bits (as musl
    /// does), so no select is needed, then Cephes's polynomial in f = m − 1.
    @inline(__always)
    static func log(_ x: FloatV) -> FloatV {
        let ix = bits(x) &+ (0x3F80_0000 &- 0x3F35_04F3)
        // k + 127 as a float, by the 2^23 trick (exact for 0...511).
        let k = float(((ix &>> 23) & 0x1FF) | 0x4B00_0000) - (8_388_608.0 + 127.0)
        let f = float((ix & 0x007F_FFFF) &+ 0x3F35_04F3) - 1
        let z = f * f
        let z4 = z * z
        let q0: FloatV = 3.333_333_12e-1 - 2.499_999_4e-1 * f
        let q1: FloatV = 2.000_071_48e-1 - 1.666_805_77e-1 * f
        let q2: FloatV = 1.424_932_28e-1 - 1.242_014_08e-1 * f
        let q3: FloatV = 1.167_699_87e-1 - 1.151_461_03e-1 * f
        let low: FloatV = q0 + q1 * z
        let high: FloatV = q2 + q3 * z
        let p: FloatV = low + high * z4 + 7.037_683_6e-2 * (z4 * z4)
        var y = p * f * z
        y += k * -2.121_944_4e-4
        y += -0.5 * z
        return f + y + k * 0.693_359_375
    }

    /// log(1 + u) for u in [0, 1]: u · q(u), q the degree-9 Chebyshev interpolant of log1p(u)/u
    /// (relative error < 2e-7), evaluated by Estrin's scheme. Cheaper than `log`, and exact near 0.
    @inline(__always)
    static func log1pUnit(_ u: FloatV) -> FloatV {
        let u2 = u * u, u4 = u2 * u2, u8 = u4 * u4
        let p01: FloatV = 1.0 + -0.49999892711639404 * u
        let p23: FloatV = 0.33329710364341736 + -0.24951615929603577 * u
        let p45: FloatV = 0.1966327428817749 + -0.1526966691017151 * u
        let p67: FloatV = 0.10543623566627502 + -0.056373611092567444 * u
        let p89: FloatV = 0.019542526453733444 + -0.0031760570127516985 * u
        let low: FloatV = p01 + p23 * u2
        let high: FloatV = p45 + p67 * u2
        let q: FloatV = low + high * u4 + p89 * u8
        return u * q
    }

    /// |x|, by clearing the sign bits.
    @inline(__always) static func magnitude(_ x: FloatV) -> FloatV { float(bits(x) & 0x7FFF_FFFF) }

    /// max(x, 0), by clearing the negative lanes.
    @inline(__always) static func positivePart(_ x: FloatV) -> FloatV { float(bits(x) & ~negativeMask(x)) }

    @inline(__always)
    static func softplus(_ s: FloatV) -> (value: FloatV, sigmoid: FloatV) {
        let negative = negativeMask(s)
        let e = exp(-magnitude(s))   // e^−|s|
        let value = float(bits(s) & ~negative) + log1pUnit(e)
        let inverse = 1 / (1 + e)
        return (value, select(negative, e * inverse, inverse))
    }

    /// The sum of the lanes, by halves (8 → 4 → 2 → 1). SIMD's own `sum()` extracts every lane,
    /// and LLVM then rewrites the vector code feeding it (a whole vector `log`) lane by lane.
    @inline(__always)
    static func sum(_ x: FloatV) -> Float {
        let quarters = x.lowHalf + x.highHalf
        let halves = quarters.lowHalf + quarters.highHalf
        return halves[0] + halves[1]
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> FloatV {
        UnsafeRawPointer(p).loadUnaligned(as: FloatV.self)
    }

    @inline(__always)
    static func store(_ v: FloatV, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: FloatV.self)
    }
}

/// Σ log σ over many lanes with one log per lane at the end: the running product's exponent is
/// moved into a separate sum after every multiply, so it can neither overflow nor underflow.
struct LogProduct {
    static let lnTwo: Float = 0.693_147_18

    private var mantissa = FloatV(repeating: 1)
    private var exponent = FloatV(repeating: 0)

    /// Multiplies σ into the product in the lanes where mask > 0 (masks hold 0 or 1).
    @inline(__always)
    mutating func add(_ sigma: FloatV, mask: FloatV) {
        let observed = FastMath.negativeMask(0 - mask)
        add(FastMath.select(observed, sigma, FloatV(repeating: 1)))
    }

    /// Multiplies σ (positive, finite) into the product in every lane.
    @inline(__always)
    mutating func add(_ sigma: FloatV) {
        let p = mantissa * sigma
        let bits = FastMath.bits(p)
        exponent += FastMath.float(((bits &>> 23) & 0xFF) | 0x4B00_0000) - (8_388_608.0 + 127.0)
        mantissa = FastMath.float((bits & 0x007F_FFFF) | 0x3F80_0000)
    }

    /// The lanes folded onto one: the mantissas multiplied together by halves (a value in
    /// [1, 256)) and the exponents summed, so Σ log = log(mantissa) + exponent · ln 2.
    @inline(__always)
    var folded: (mantissa: Float, exponent: Float) {
        let quarters = mantissa.lowHalf * mantissa.highHalf
        let halves = quarters.lowHalf * quarters.highHalf
        return (halves[0] * halves[1], FastMath.sum(exponent))
    }

    /// Σ log of everything multiplied in, over all lanes.
    @inline(__always)
    var sum: Float { (FastMath.log(mantissa) + exponent * LogProduct.lnTwo).sum() }
}
