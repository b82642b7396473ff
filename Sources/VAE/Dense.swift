import CBLAS

/// A fully connected layer, y = x Wᵀ + b, optionally followed by ReLU in the same pass.
///
/// Matrices are Float32, row-major, batch-major. The weight is (OC, C) like PyTorch's `Linear`.
enum Dense {
    /// inp is (B, C), weight is (OC, C), bias is (OC); out will be (B, OC).
    /// With `relu`, out = max(0, inp Wᵀ + b). The bias is written first and the gemm accumulates
    /// onto it (β = 1, so BLAS skips its own zeroing pass); the ReLU is one more pass.
    /// With `inputByColumns`, inp is (C, B) instead, one column per window (`forwardColumns`).
    @inline(__always)
    static func forward(
        _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>,
        _ weight: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
        _ B: Int, _ C: Int, _ OC: Int, inputByColumns: Bool = false, relu: Bool
    ) {
        // Broadcast the bias into every row by doubling copies (log₂ B calls, not B).
        out.update(from: bias, count: OC)
        var filled = 1
        while filled < B {
            let n = min(filled, B - filled)
            (out + filled * OC).update(from: out, count: n * OC)
            filled += n
        }
        if B == 1 {
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(OC), Int32(C), 1, weight, Int32(C), inp, 1, 1, out, 1)
        } else {
            cblas_sgemm(CblasRowMajor, inputByColumns ? CblasTrans : CblasNoTrans, CblasTrans, Int32(B), Int32(OC),
                        Int32(C), 1, inp, Int32(inputByColumns ? B : C), weight, Int32(C), 1, out, Int32(OC))
        }
        if relu { ReLU.forward(out, B * OC) }
    }

    /// The same layer with the activations held by columns, as scoring keeps its hidden layers:
    /// inp is (C, B) — or (B, C), the caller's windows, with `inputByRows` — weight is (OC, C),
    /// bias is (OC); out will be (OC, B) = W inp + b, one column per window, then ReLU if asked.
    ///
    /// Written this way for speed. OpenBLAS's kernel works through whole register tiles of its
    /// (column-major) output's rows; here those rows are the B = 256 windows rather than OC = 100
    /// (or 8) units, so no tile is ragged, and the bias goes in as one fill per row instead of
    /// copied rows. Measured over the scoring network: about 5% faster than `forward`. Training
    /// keeps rows (its backward is written for them). For B = 1 both layouts are the same memory,
    /// and this is `forward`.
    @inline(__always)
    static func forwardColumns(
        _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>,
        _ weight: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
        _ B: Int, _ C: Int, _ OC: Int, inputByRows: Bool = false, relu: Bool
    ) {
        if B == 1 {
            forward(out, inp, weight, bias, 1, C, OC, relu: relu)
            return
        }
        for o in 0..<OC { (out + o * B).update(repeating: bias[o], count: B) }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, inputByRows ? CblasTrans : CblasNoTrans, Int32(OC), Int32(B), Int32(C),
                    1, weight, Int32(C), inp, Int32(inputByRows ? C : B), 1, out, Int32(B))
        if relu { ReLU.forward(out, OC * B) }
    }

    /// dout is (B, OC), inp is (B, C), weight is (OC, C).
    /// Accumulates dweight (OC, C) += doutᵀ inp, dbias (OC) += Σ_b dout, and, unless `dinp` is nil
    /// (the first layer needs no input gradient), dinp (B, C) += dout W.
    /// In the forward pass this was: out = inp Wᵀ + b.
    @inline(__always)
    static func backward(
        _ dinp: UnsafeMutablePointer<Float>?, _ dweight: UnsafeMutablePointer<Float>,
        _ dbias: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>,
        _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
        _ B: Int, _ C: Int, _ OC: Int
    ) {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(OC), Int32(C), Int32(B),
                    1, dout, Int32(OC), inp, Int32(C), 1, dweight, Int32(C))
        for b in 0..<B {
            let row = dout + b * OC
            for o in 0..<OC { dbias[o] += row[o] }
        }
        if let dinp {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(B), Int32(C), Int32(OC),
                        1, dout, Int32(OC), weight, Int32(C), 1, dinp, Int32(C))
        }
    }

    /// Fills weight (OC, C) with N(0, σ²), σ² = 2/C (He) or 2/(C+OC) (Xavier); zeroes bias (OC).
    static func initialize(
        _ weight: UnsafeMutablePointer<Float>, _ bias: UnsafeMutablePointer<Float>,
        _ C: Int, _ OC: Int, he: Bool, rng: inout SeededRandom
    ) {
        let std = (2.0 / Float(he ? C : C + OC)).squareRoot()
        for i in 0..<(OC * C) { weight[i] = std * rng.normal() }
        for o in 0..<OC { bias[o] = 0 }
    }
}

/// The rectifier, applied in place after a dense layer (`Dense.forward(relu: true)`).
enum ReLU {
    /// x is (N); x = max(0, x) in place (clearing the negative lanes' bits, so it vectorises).
    @inline(__always)
    static func forward(_ x: UnsafeMutablePointer<Float>, _ N: Int) {
        var i = 0
        while i + FloatV.scalarCount <= N {
            let v = FastMath.load(x + i)
            FastMath.store(FastMath.float(FastMath.bits(v) & ~FastMath.negativeMask(v)), x + i)
            i += FloatV.scalarCount
        }
        while i < N { x[i] = x[i] > 0 ? x[i] : 0; i += 1 }
    }

    /// out and dout are (N). Turns dout, the gradient w.r.t. the ReLU's output, into the gradient
    /// w.r.t. its input, in place: out > 0 exactly where the input was > 0.
    /// In the forward pass this was: out = max(0, inp).
    @inline(__always)
    static func backward(_ dout: UnsafeMutablePointer<Float>, _ out: UnsafePointer<Float>, _ N: Int) {
        for i in 0..<N { dout[i] = out[i] > 0 ? dout[i] : 0 }
    }
}

/// The standard-deviation head σ = softplus(s) + ε.
enum SoftplusStd {
    /// pre is (N); out will be (N) with out = softplus(pre) + ε, bit for bit what
    /// `FastMath.softplus(_:).value + ε` gives (the training kernels' σ).
    ///
    /// Written by hand for speed, in two passes rather than one: e = e^−|pre| into out, then
    /// out = max(pre, 0) + log1p(e) + ε. Each pass's dependency chain is half as long, so the
    /// out-of-order core keeps twice as many points in flight; on the decoder's σ head this pair of
    /// short loops is about 1.3× faster than the fused one.
    @inline(__always)
    static func forward(_ out: UnsafeMutablePointer<Float>, _ pre: UnsafePointer<Float>, _ epsilon: Float, _ N: Int) {
        let w = FloatV.scalarCount
        var i = 0
        while i + w <= N {
            let s = FastMath.load(pre + i)
            FastMath.store(FastMath.exp(-FastMath.magnitude(s)), out + i)
            i += w
        }
        i = 0
        while i + w <= N {
            let s = FastMath.load(pre + i)
            FastMath.store(FastMath.positivePart(s) + FastMath.log1pUnit(FastMath.load(out + i)) + epsilon, out + i)
            i += w
        }
        while i < N { out[i] = FastMath.softplus(pre[i]).value + epsilon; i += 1 }
    }

    /// dout and pre are (N). Accumulates dpre (N) += dout · sigmoid(pre).
    /// In the forward pass this was: out = softplus(pre) + ε.
    @inline(__always)
    static func backward(_ dpre: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, _ pre: UnsafePointer<Float>, _ N: Int) {
        for i in 0..<N { dpre[i] += dout[i] * FastMath.softplus(pre[i]).sigmoid }
    }
}
