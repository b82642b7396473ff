/// The activations of one Gaussian VAE for batches of up to `capacity` windows, and (when built
/// for training) their gradients: allocated once, reused by every batch.
///
/// Shapes, with B ≤ capacity, D = inputSize, L = latent:
/// encoder[i] (B, hidden[i]); encoderHead (B, 2L) rows [μ_z | s_z]; sigmaZ, noise, z (B, L);
/// decoder[i] (B, decoderHidden[i]); decoderHead (B, 2D) rows [μ_x | s_x]; scratch (B, D).
/// Scoring's forward pass by columns holds encoder[i] and decoder[i] transposed instead.
/// With C = conditions > 0: `condition` (B, C) is the batch's conditions, set by the caller before
/// a pass; encoderInput (B, D + C) rows [x | c]; decoderInput (B, L + C) rows [z | c], or
/// (L + C, B) by columns when scoring.
final class VAENetwork {
    let config: VAEConfig
    let layout: ParameterLayout
    let capacity: Int
    let D: Int
    let L: Int
    let C: Int
    /// The current batch's conditions (B, C), read by every pass while C > 0; nil reads as zeros.
    var condition: UnsafePointer<Float>?
    let encoderInput: FloatBuffer   // (B, D + C); empty when C = 0
    let decoderInput: FloatBuffer   // (B, L + C) or (L + C, B); empty when C = 0
    let zeros: FloatBuffer          // (B, C) of 0, the conditions when none are given

    let encoder: [FloatBuffer]
    let encoderHead: FloatBuffer
    let sigmaZ: FloatBuffer
    let noise: FloatBuffer
    let z: FloatBuffer
    let decoder: [FloatBuffer]
    let decoderHead: FloatBuffer
    let scratch: FloatBuffer     // (B, D) per-point values
    let rowLoss: FloatBuffer     // (B) reconstruction term per window
    let rowKL: FloatBuffer       // (B)
    let observed: FloatBuffer    // (B) observed points per window
    let klWeight: FloatBuffer    // (B)
    let ones: FloatBuffer        // (max(D, B)) of 1
    let fullMask: FloatBuffer    // (B, D) of 1, used when the caller has no mask

    // Gradients of the activations above (training only; empty otherwise).
    let dEncoder: [FloatBuffer]
    let dEncoderHead: FloatBuffer?
    let dz: FloatBuffer?
    let dDecoder: [FloatBuffer]
    let dDecoderHead: FloatBuffer?
    let dDecoderInput: FloatBuffer?  // (B, L + C), training with C > 0

    init(config: VAEConfig, capacity: Int, training: Bool) {
        self.config = config
        layout = ParameterLayout(config)
        self.capacity = capacity
        D = config.inputSize
        L = config.latent
        C = config.conditions
        let B = capacity
        encoderInput = FloatBuffer(count: C > 0 ? B * (D + C) : 0)
        decoderInput = FloatBuffer(count: C > 0 ? B * (L + C) : 0)
        zeros = FloatBuffer(count: B * C)
        dDecoderInput = training && C > 0 ? FloatBuffer(count: B * (L + C)) : nil
        encoder = config.hidden.map { FloatBuffer(count: B * $0) }
        encoderHead = FloatBuffer(count: B * 2 * L)
        sigmaZ = FloatBuffer(count: B * L)
        noise = FloatBuffer(count: B * L)
        z = FloatBuffer(count: B * L)
        decoder = config.decoderWidths.map { FloatBuffer(count: B * $0) }
        decoderHead = FloatBuffer(count: B * 2 * D)
        scratch = FloatBuffer(count: B * D)
        rowLoss = FloatBuffer(count: B)
        rowKL = FloatBuffer(count: B)
        observed = FloatBuffer(count: B)
        klWeight = FloatBuffer(count: B)
        ones = FloatBuffer(count: max(D, B))
        ones.pointer.update(repeating: 1, count: ones.count)
        fullMask = FloatBuffer(count: B * D)
        fullMask.pointer.update(repeating: 1, count: fullMask.count)
        dEncoder = training ? config.hidden.map { FloatBuffer(count: B * $0) } : []
        dEncoderHead = training ? FloatBuffer(count: B * 2 * L) : nil
        dz = training ? FloatBuffer(count: B * L) : nil
        dDecoder = training ? config.decoderWidths.map { FloatBuffer(count: B * $0) } : []
        dDecoderHead = training ? FloatBuffer(count: B * 2 * D) : nil
    }

    // MARK: Conditions

    /// The conditions of the current batch's rows, zeros when the caller gave none.
    @inline(__always)
    private var conditionRows: UnsafePointer<Float> { condition ?? UnsafePointer(zeros.pointer) }

    /// The first encoder layer's input: x itself (B, D), or [x | c] (B, D + C).
    @inline(__always)
    func encoderInputRows(_ x: UnsafePointer<Float>, _ B: Int) -> UnsafePointer<Float> {
        appendingConditions(to: x, width: D, B, into: encoderInput.pointer)
    }

    /// The first decoder layer's input: z itself (B, L), or [z | c] (B, L + C).
    @inline(__always)
    func decoderInputRows(_ z: UnsafePointer<Float>, _ B: Int) -> UnsafePointer<Float> {
        appendingConditions(to: z, width: L, B, into: decoderInput.pointer)
    }

    /// `rows` (B, width) itself without conditions, or each row followed by its conditions,
    /// [rows | c] (B, width + C), written into `out`.
    @inline(__always)
    private func appendingConditions(to rows: UnsafePointer<Float>, width: Int, _ B: Int,
                                     into out: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        guard C > 0 else { return rows }
        let c = conditionRows
        for b in 0..<B {
            (out + b * (width + C)).update(from: rows + b * width, count: width)
            (out + b * (width + C) + width).update(from: c + b * C, count: C)
        }
        return UnsafePointer(out)
    }

    /// The same by columns: zT (L, B) itself, or [zT ; cᵀ] (L + C, B).
    @inline(__always)
    func decoderInputColumns(_ zT: UnsafePointer<Float>, _ B: Int) -> UnsafePointer<Float> {
        guard C > 0 else { return zT }
        let out = decoderInput.pointer, c = conditionRows
        out.update(from: zT, count: L * B)
        for j in 0..<C {
            for b in 0..<B { out[(L + j) * B + b] = c[b * C + j] }
        }
        return UnsafePointer(out)
    }

    // MARK: Forward

    /// x is (B, D); fills encoder[i] and encoderHead (B, 2L), or with `meanOnly` writes μ_z alone
    /// into `meanOut` (B, L) — the σ half of the head is then not computed.
    func encode(_ p: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ B: Int,
                meanOnly meanOut: UnsafeMutablePointer<Float>? = nil) {
        var inp = encoderInputRows(x, B)
        for (i, s) in layout.encoder.enumerated() {
            Dense.forward(encoder[i].pointer, inp, p + s.weight, p + s.bias, B, s.inputs, s.outputs, relu: true)
            inp = UnsafePointer(encoder[i].pointer)
        }
        let h = layout.encoderHead
        if let meanOut {
            Dense.forward(meanOut, inp, p + h.weight, p + h.bias, B, h.inputs, L, relu: false)
        } else {
            Dense.forward(encoderHead.pointer, inp, p + h.weight, p + h.bias, B, h.inputs, 2 * L, relu: false)
        }
    }

    /// zIn is (B, L); fills decoder[i] and decoderHead (B, 2D) rows [μ_x | s_x].
    func decode(_ p: UnsafePointer<Float>, _ zIn: UnsafePointer<Float>, _ B: Int) {
        var inp = decoderInputRows(zIn, B)
        for (i, s) in layout.decoder.enumerated() {
            Dense.forward(decoder[i].pointer, inp, p + s.weight, p + s.bias, B, s.inputs, s.outputs, relu: true)
            inp = UnsafePointer(decoder[i].pointer)
        }
        let h = layout.decoderHead
        Dense.forward(decoderHead.pointer, inp, p + h.weight, p + h.bias, B, h.inputs, 2 * D, relu: false)
    }

    // MARK: Scoring forward, by columns

    /// x is (B, D); muZT will be (L, B), μ_z one column per window, with encoder[i] held as
    /// (hidden[i], B) on the way (`Dense.forwardColumns` says why scoring keeps columns).
    func encodeMeanByColumns(_ p: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ B: Int,
                             into muZT: UnsafeMutablePointer<Float>) {
        var inp = encoderInputRows(x, B)
        for (i, s) in layout.encoder.enumerated() {
            Dense.forwardColumns(encoder[i].pointer, inp, p + s.weight, p + s.bias, B, s.inputs, s.outputs,
                                 inputByRows: i == 0, relu: true)
            inp = UnsafePointer(encoder[i].pointer)
        }
        // The head's first L rows are the μ half.
        let h = layout.encoderHead
        Dense.forwardColumns(muZT, inp, p + h.weight, p + h.bias, B, h.inputs, L, relu: false)
    }

    /// zT is (L, B), one column per window; fills decoder[i] as (decoderHidden[i], B) and
    /// decoderHead (B, 2D) by rows [μ_x | s_x], like `decode`.
    func decodeByColumns(_ p: UnsafePointer<Float>, _ zT: UnsafePointer<Float>, _ B: Int) {
        var inp = decoderInputColumns(zT, B)
        for (i, s) in layout.decoder.enumerated() {
            Dense.forwardColumns(decoder[i].pointer, inp, p + s.weight, p + s.bias, B, s.inputs, s.outputs, relu: true)
            inp = UnsafePointer(decoder[i].pointer)
        }
        let h = layout.decoderHead
        Dense.forward(decoderHead.pointer, inp, p + h.weight, p + h.bias, B, h.inputs, 2 * D, inputByColumns: true,
                      relu: false)
    }

    /// Fills scratch (B, D) with σ_x = softplus(s_x) + ε from decoderHead's s_x half, for `rowNLL`.
    func decoderSigma(_ B: Int) {
        for b in 0..<B {
            SoftplusStd.forward(scratch.pointer + b * D, decoderHead.pointer + b * 2 * D + D, config.epsilon, D)
        }
    }

    // MARK: Loss and backward

    /// x and mask are (B, D); noise must hold (B, L) standard normals. Computes the M-ELBO loss
    /// (mean over the batch of  recon_b + klScale · β · observed_b/D · KL_b), accumulates its
    /// gradient w.r.t. the parameters into `g`, and returns the loss.
    func lossAndGradient(
        _ g: UnsafeMutablePointer<Float>, _ p: UnsafePointer<Float>,
        _ x: UnsafePointer<Float>, _ mask: UnsafePointer<Float>?, _ B: Int, klScale: Float
    ) -> Float {
        let mask = mask ?? UnsafePointer(fullMask.pointer)
        // Forward.
        encode(p, x, B)
        LatentGaussian.forward(z: z.pointer, sigma: sigmaZ.pointer, kl: rowKL.pointer, head: encoderHead.pointer,
                               noise: noise.pointer, epsilon: config.epsilon, B: B, L: L)
        decode(p, z.pointer, B)
        let scale = 1 / Float(B)
        GaussianLikelihood.forwardBackward(
            rows: rowLoss.pointer, dhead: dDecoderHead!.pointer, head: decoderHead.pointer, x: x, mask: mask,
            scale: scale, epsilon: config.epsilon, B: B, D: D)
        GaussianLikelihood.rowSums(observed.pointer, mask, ones.pointer, B: B, N: D)
        var loss: Float = 0
        let klFactor = klScale * config.beta / Float(D)
        for b in 0..<B {
            let w = klFactor * observed.pointer[b]
            klWeight.pointer[b] = w * scale
            loss += rowLoss.pointer[b] + w * rowKL.pointer[b]
        }
        // Backward: decoder.
        var dout = dDecoderHead!.pointer
        let dh = layout.decoderHead
        let lastDecoder = decoder.count - 1
        for b in dDecoder { b.pointer.update(repeating: 0, count: B * (b.count / capacity)) }
        dz!.pointer.update(repeating: 0, count: B * L)
        dDecoderInput?.pointer.update(repeating: 0, count: B * (L + C))
        dEncoderHead!.pointer.update(repeating: 0, count: B * 2 * L)
        for b in dEncoder { b.pointer.update(repeating: 0, count: B * (b.count / capacity)) }
        Dense.backward(dDecoder[lastDecoder].pointer, g + dh.weight, g + dh.bias, dout,
                       decoder[lastDecoder].pointer, p + dh.weight, B, dh.inputs, dh.outputs)
        for i in stride(from: lastDecoder, through: 0, by: -1) {
            let s = layout.decoder[i]
            ReLU.backward(dDecoder[i].pointer, decoder[i].pointer, B * s.outputs)
            // The first layer read [z | c] (decoderInput, still as decode left it) when C > 0.
            let first = C > 0 ? UnsafePointer(decoderInput.pointer) : UnsafePointer(z.pointer)
            let inp = i == 0 ? first : UnsafePointer(decoder[i - 1].pointer)
            let dinp = i == 0 ? (dDecoderInput?.pointer ?? dz!.pointer) : dDecoder[i - 1].pointer
            Dense.backward(dinp, g + s.weight, g + s.bias, dDecoder[i].pointer, inp, p + s.weight, B, s.inputs, s.outputs)
        }
        // dz is the z part of d[z | c]; the conditions are data and need no gradient.
        if let dDecoderInput {
            for b in 0..<B { (dz!.pointer + b * L).update(from: dDecoderInput.pointer + b * (L + C), count: L) }
        }
        // Latent sample and KL.
        LatentGaussian.backward(dhead: dEncoderHead!.pointer, dz: dz!.pointer, klWeight: klWeight.pointer,
                                head: encoderHead.pointer, noise: noise.pointer, sigma: sigmaZ.pointer, B: B, L: L)
        // Encoder.
        dout = dEncoderHead!.pointer
        let eh = layout.encoderHead
        let lastEncoder = encoder.count - 1
        Dense.backward(dEncoder[lastEncoder].pointer, g + eh.weight, g + eh.bias, dout,
                       encoder[lastEncoder].pointer, p + eh.weight, B, eh.inputs, eh.outputs)
        for i in stride(from: lastEncoder, through: 0, by: -1) {
            let s = layout.encoder[i]
            ReLU.backward(dEncoder[i].pointer, encoder[i].pointer, B * s.outputs)
            let inp = i == 0 ? (C > 0 ? UnsafePointer(encoderInput.pointer) : x) : UnsafePointer(encoder[i - 1].pointer)
            let dinp = i == 0 ? nil : dEncoder[i - 1].pointer
            Dense.backward(dinp, g + s.weight, g + s.bias, dEncoder[i].pointer, inp, p + s.weight, B, s.inputs, s.outputs)
        }
        return loss * scale
    }

    /// The same M-ELBO loss without gradients (validation), with noise in `noise`.
    func loss(_ p: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ mask: UnsafePointer<Float>?, _ B: Int) -> Float {
        let mask = mask ?? UnsafePointer(fullMask.pointer)
        encode(p, x, B)
        LatentGaussian.forward(z: z.pointer, sigma: sigmaZ.pointer, kl: rowKL.pointer, head: encoderHead.pointer,
                               noise: noise.pointer, epsilon: config.epsilon, B: B, L: L)
        decode(p, z.pointer, B)
        decoderSigma(B)
        GaussianLikelihood.rowNLL(rowLoss.pointer, head: decoderHead.pointer, sigma: scratch.pointer, x: x, mask: mask,
                                  B: B, D: D)
        GaussianLikelihood.rowSums(observed.pointer, mask, ones.pointer, B: B, N: D)
        var loss: Float = 0
        for b in 0..<B {
            loss += rowLoss.pointer[b] + config.beta * observed.pointer[b] / Float(D) * rowKL.pointer[b]
        }
        return loss / Float(B)
    }
}
