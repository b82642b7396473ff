import CBLAS

/// The decoder's Gaussian likelihood, fused with its σ head: from the head's pre-activations
/// [μ_x | s_x] it computes σ_x = softplus(s_x) + ε, the masked per-point negative log-likelihood
/// and (for training) the gradient w.r.t. the head, in one vectorisable pass.
enum GaussianLikelihood {
    static let halfLogTwoPi: Float = 0.918_938_533_204_672_7

    /// head is (B, 2D) rows [μ_x | s_x], x and mask are (B, D) (mask exactly 1 = observed, 0 = missing).
    /// point will be (B, D): mask · (½ log 2π + log σ + ½ ((x − μ)/σ)²).
    /// rows will be (B), the row sums of point (point itself is not stored).
    /// dhead will be (B, 2D), the gradient of `scale · Σ point` w.r.t. head. It is written, not
    /// accumulated: the loss is where the backward pass starts.
    @inline(__always)
    static func forwardBackward(
        rows: UnsafeMutablePointer<Float>, dhead: UnsafeMutablePointer<Float>,
        head: UnsafePointer<Float>, x: UnsafePointer<Float>, mask: UnsafePointer<Float>,
        scale: Float, epsilon: Float, B: Int, D: Int
    ) {
        for b in 0..<B {
            let mu = head + b * 2 * D, pre = mu + D, dmu = dhead + b * 2 * D, dpre = dmu + D
            let xr = x + b * D, mr = mask + b * D
            var acc = FloatV(repeating: 0)
            var logSigma = LogProduct()
            var j = 0
            while j + FloatV.scalarCount <= D {
                let (sp, sg) = FastMath.softplus(FastMath.load(pre + j))
                let sigma = sp + epsilon
                let inv = 1 / sigma
                let r = (FastMath.load(xr + j) - FastMath.load(mu + j)) * inv
                let m = FastMath.load(mr + j)
                acc += m * (halfLogTwoPi + 0.5 * r * r)
                logSigma.add(sigma, mask: m)
                // d/dμ = −(x − μ)/σ², d/dσ = (1 − r²)/σ, dσ/ds = sigmoid(s).
                FastMath.store(-m * r * inv * scale, dmu + j)
                FastMath.store(m * (1 - r * r) * inv * sg * scale, dpre + j)
                j += FloatV.scalarCount
            }
            var tail: Float = 0
            while j < D {
                let (sp, sg) = FastMath.softplus(pre[j])
                let sigma = sp + epsilon
                let inv = 1 / sigma
                let r = (xr[j] - mu[j]) * inv
                let m = mr[j]
                tail += m * (halfLogTwoPi + FastMath.log(sigma) + 0.5 * r * r)
                dmu[j] = -m * r * inv * scale
                dpre[j] = m * (1 - r * r) * inv * sg * scale
                j += 1
            }
            rows[b] = acc.sum() + logSigma.sum + tail
        }
    }

    /// head is (B, 2D) rows [μ_x | s_x], x and mask are (B, D). rows will be (B): the row sums of
    /// the per-point NLL; point and sigma, if given, (B, D): the per-point NLL as in
    /// `forwardBackward`, and σ_x.
    @inline(__always)
    static func forward(
        rows: UnsafeMutablePointer<Float>?, point: UnsafeMutablePointer<Float>?, sigma: UnsafeMutablePointer<Float>?,
        head: UnsafePointer<Float>, x: UnsafePointer<Float>, mask: UnsafePointer<Float>,
        epsilon: Float, B: Int, D: Int
    ) {
        for b in 0..<B {
            let mu = head + b * 2 * D, pre = mu + D, xr = x + b * D, mr = mask + b * D
            let pr = point.map { $0 + b * D }, sr = sigma.map { $0 + b * D }
            var acc = FloatV(repeating: 0)
            var j = 0
            while j + FloatV.scalarCount <= D {
                let s = FastMath.softplus(FastMath.load(pre + j)).value + epsilon
                let r = (FastMath.load(xr + j) - FastMath.load(mu + j)) / s
                let v = FastMath.load(mr + j) * (halfLogTwoPi + FastMath.log(s) + 0.5 * r * r)
                acc += v
                if let pr { FastMath.store(v, pr + j) }
                if let sr { FastMath.store(s, sr + j) }
                j += FloatV.scalarCount
            }
            var tail: Float = 0
            while j < D {
                let s = FastMath.softplus(pre[j]).value + epsilon
                let r = (xr[j] - mu[j]) / s
                let v = mr[j] * (halfLogTwoPi + FastMath.log(s) + 0.5 * r * r)
                tail += v
                pr?[j] = v
                sr?[j] = s
                j += 1
            }
            rows?[b] = acc.sum() + tail
        }
    }

    /// head is (B, 2D) rows [μ_x | s_x] (only μ_x is read), sigma is (B, D) with σ_x = softplus(s_x) + ε
    /// (`VAENetwork.decoderSigma`), x is (B, D), mask (B, D) or nil for all observed.
    /// rows will be (B): each window's NLL Σ_j mask · (½ log 2π + log σ + ½ ((x − μ)/σ)²), with
    /// Σ log σ taken through one running product (`LogProduct`) instead of a log per point; the
    /// scoring hot path.
    ///
    /// Written by hand for speed: a row is only D/8 vectors long, and closing its product with a
    /// vector log per row cost as much as the row itself. So each row's product is folded onto one
    /// lane, and the rows are closed eight at a time with one vector log (about 1.7× faster than a
    /// log per row).
    @inline(__always)
    static func rowNLL(
        _ rows: UnsafeMutablePointer<Float>, head: UnsafePointer<Float>, sigma: UnsafePointer<Float>,
        x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, B: Int, D: Int
    ) {
        let w = FloatV.scalarCount
        withUnsafeTemporaryAllocation(of: Float.self, capacity: w) { mantissas in
            let m = mantissas.baseAddress!
            var first = 0
            while first < B {
                let count = min(w, B - first)
                for i in 0..<count {
                    let b = first + i
                    let terms = rowTerms(mu: head + b * 2 * D, sigma: sigma + b * D, x: x + b * D,
                                         mask: mask.map { $0 + b * D }, D: D)
                    let (product, exponent) = terms.product.folded
                    m[i] = product
                    rows[b] = terms.tail + FastMath.sum(terms.lanes) + exponent * LogProduct.lnTwo
                }
                // rows += log(products), a whole vector when the block is full.
                if count == w {
                    FastMath.store(FastMath.load(rows + first) + FastMath.log(FastMath.load(m)), rows + first)
                } else {
                    for i in 0..<count { rows[first + i] += FastMath.log(m[i]) }
                }
                first += count
            }
        }
    }

    /// One row of `rowNLL` (mu, sigma, x and mask are (D)) before its closing log: the running
    /// product of the observed σ, the lanes of Σ mask · (½ log 2π + ½ r²), and the whole NLL of
    /// the points past the last full vector.
    @inline(__always)
    private static func rowTerms(
        mu: UnsafePointer<Float>, sigma: UnsafePointer<Float>, x: UnsafePointer<Float>,
        mask: UnsafePointer<Float>?, D: Int
    ) -> (product: LogProduct, lanes: FloatV, tail: Float) {
        let w = FloatV.scalarCount
        var squares = FloatV(repeating: 0)
        var product = LogProduct()
        var tail: Float = 0
        var j = 0
        guard let mask else {
            while j + w <= D {
                let s = FastMath.load(sigma + j)
                let r = (FastMath.load(x + j) - FastMath.load(mu + j)) / s
                squares += r * r
                product.add(s)
                j += w
            }
            while j < D {
                let r = (x[j] - mu[j]) / sigma[j]
                tail += FastMath.log(sigma[j]) + 0.5 * r * r
                j += 1
            }
            return (product, 0.5 * squares, halfLogTwoPi * Float(D) + tail)
        }
        var observed = FloatV(repeating: 0)
        while j + w <= D {
            let s = FastMath.load(sigma + j)
            let r = (FastMath.load(x + j) - FastMath.load(mu + j)) / s
            let m = FastMath.load(mask + j)
            squares += m * r * r
            observed += m
            product.add(s, mask: m)
            j += w
        }
        while j < D {
            let r = (x[j] - mu[j]) / sigma[j]
            tail += mask[j] * (halfLogTwoPi + FastMath.log(sigma[j]) + 0.5 * r * r)
            j += 1
        }
        return (product, halfLogTwoPi * observed + 0.5 * squares, tail)
    }

    /// m is (B, N), ones is (N) of 1; out will be (B) with the row sums of m (one sgemv).
    @inline(__always)
    static func rowSums(_ out: UnsafeMutablePointer<Float>, _ m: UnsafePointer<Float>,
                        _ ones: UnsafePointer<Float>, B: Int, N: Int) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(B), Int32(N), 1, m, Int32(N), ones, 1, 0, out, 1)
    }
}

/// The encoder's Gaussian posterior q(z|x) = N(μ_z, σ_z²): reparameterised sample and its KL to
/// the prior N(0, I).
enum LatentGaussian {
    /// head is (B, 2L) rows [μ_z | s_z], noise is (B, L). sigma, z and (if given) kl will be
    /// (B, L), (B, L) and (B): σ = softplus(s) + ε, z = μ + σ·noise, and
    /// KL = Σ_j (−log σ + ½(σ² + μ²) − ½).
    @inline(__always)
    static func forward(
        z: UnsafeMutablePointer<Float>, sigma: UnsafeMutablePointer<Float>, kl: UnsafeMutablePointer<Float>?,
        head: UnsafePointer<Float>, noise: UnsafePointer<Float>, epsilon: Float, B: Int, L: Int
    ) {
        for b in 0..<B {
            let h = head + b * 2 * L, n = noise + b * L, zr = z + b * L, sr = sigma + b * L
            var k: Float = 0
            for j in 0..<L {
                let mu = h[j]
                let s = FastMath.softplus(h[L + j]).value + epsilon
                sr[j] = s
                zr[j] = mu + s * n[j]
                k += -FastMath.log(s) + 0.5 * (s * s + mu * mu) - 0.5
            }
            kl?[b] = k
        }
    }

    /// dz is (B, L) and klWeight is (B); head, noise, sigma as in `forward`.
    /// Accumulates dhead (B, 2L) with the gradient of Σ_b (z·dz + klWeight_b · KL_b).
    /// In the forward pass this was: z = μ + σ·noise, σ = softplus(s) + ε, KL as above.
    @inline(__always)
    static func backward(
        dhead: UnsafeMutablePointer<Float>, dz: UnsafePointer<Float>, klWeight: UnsafePointer<Float>,
        head: UnsafePointer<Float>, noise: UnsafePointer<Float>, sigma: UnsafePointer<Float>, B: Int, L: Int
    ) {
        for b in 0..<B {
            let h = head + b * 2 * L, dh = dhead + b * 2 * L
            let g = dz + b * L, n = noise + b * L, sr = sigma + b * L
            let c = klWeight[b]
            for j in 0..<L {
                let s = sr[j]
                dh[j] += g[j] + c * h[j]
                let dsigma = g[j] * n[j] + c * (s - 1 / s)
                dh[L + j] += dsigma * FastMath.softplus(h[L + j]).sigmoid
            }
        }
    }
}
