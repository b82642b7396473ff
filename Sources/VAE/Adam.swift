import CBLAS

/// Adam (Kingma & Ba 2015) over the flat parameter vector, with L2 or decoupled (AdamW,
/// Loshchilov & Hutter 2019) weight decay on weight matrices and global gradient-norm clipping.
struct Adam {
    var beta1: Float = 0.9
    var beta2: Float = 0.999
    var epsilon: Float = 1e-8
    /// Decay coefficient λ for weight matrices (biases are never decayed).
    var weightDecay: Float = 0
    /// true: AdamW, p −= lr·λ·p; false: L2, g += λ·p before the moments.
    var decoupled = true
    /// Rescale the gradient when its global L2 norm exceeds this (nil: never).
    var clipNorm: Float?

    let m: FloatBuffer
    let v: FloatBuffer
    private(set) var t = 0
    let weightRanges: [Range<Int>]

    init(count: Int, weightRanges: [Range<Int>]) {
        m = FloatBuffer(count: count)
        v = FloatBuffer(count: count)
        self.weightRanges = weightRanges
    }

    /// params and grads are (N). One update at learning rate `lr`; grads are scaled by the clip
    /// (and, for L2, receive λ·p). Returns the gradient norm before clipping.
    @discardableResult
    mutating func step(_ params: UnsafeMutablePointer<Float>, _ grads: UnsafeMutablePointer<Float>, _ N: Int, lr: Float) -> Float {
        if weightDecay > 0 && !decoupled {
            for r in weightRanges { for i in r { grads[i] += weightDecay * params[i] } }
        }
        let norm = cblas_snrm2(Int32(N), grads, 1)
        if let clipNorm, norm > clipNorm, norm.isFinite {
            cblas_sscal(Int32(N), clipNorm / norm, grads, 1)
        }
        if weightDecay > 0 && decoupled {
            let shrink = 1 - lr * weightDecay
            for r in weightRanges { for i in r { params[i] *= shrink } }
        }
        t += 1
        let b1 = beta1, b2 = beta2
        let bc1 = 1 - pow(b1, t), bc2 = 1 - pow(b2, t)
        let stepSize = lr / bc1
        let invSqrtBc2 = 1 / bc2.squareRoot()
        let eps = epsilon
        let mp = m.pointer, vp = v.pointer
        for i in 0..<N {
            let g = grads[i]
            let mi = b1 * mp[i] + (1 - b1) * g
            let vi = b2 * vp[i] + (1 - b2) * g * g
            mp[i] = mi; vp[i] = vi
            params[i] -= stepSize * mi / ((vi.squareRoot() * invSqrtBc2) + eps)
        }
        return norm
    }

    private func pow(_ x: Float, _ n: Int) -> Float {
        var r: Float = 1, b = x, e = n
        while e > 0 { if e & 1 == 1 { r *= b }; b *= b; e >>= 1 }
        return r
    }

    /// Forgets the moments (for a warm start that should not inherit an old trajectory).
    mutating func reset() { m.zero(); v.zero(); t = 0 }
}
