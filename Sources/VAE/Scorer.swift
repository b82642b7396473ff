#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The scores of one window (see `Scorer.score`).
public struct WindowScore: Sendable, Equatable {
    /// Reconstruction negative log-likelihood of the observed points, decoding z = μ_z.
    public var nll: Float
    /// Mahalanobis distance of μ_z to the training windows' μ_z distribution.
    public var latentDistance: Float
}

/// Inference with a trained `VAEModel` over contiguous batches of flattened windows
/// ([count × inputSize] Float, row-major). Buffers are allocated once for `capacity` windows;
/// larger requests are processed in chunks. Not thread-safe: one scorer per thread.
///
/// Masks, where accepted, are (count × inputSize) with 1 = observed, 0 = missing; missing points
/// are left out of every likelihood (their inputs should be 0, as in training). Conditions, where
/// the model has them (``VAEConfig/conditions``), are (count × conditions); nil means zeros.
public final class Scorer {
    /// The model being scored with.
    public let model: VAEModel
    /// Windows per internal chunk.
    public let capacity: Int

    let network: VAENetwork
    let params: FloatBuffer
    let muZ: FloatBuffer          // (L, B), one column per window
    let runMax: FloatBuffer       // (B)
    let runSum: FloatBuffer       // (B)
    let latentMean: FloatBuffer   // (L)
    let whitening: FloatBuffer    // (L, L) lower triangular
    let noBias: FloatBuffer       // (L) of 0
    let centred: FloatBuffer      // (L, B) μ_z − mean
    let whitened: FloatBuffer     // (L, B) W (μ_z − mean)
    let maskedInput: FloatBuffer  // (B, D) inputs with missing points zeroed
    var rng: SeededRandom
    let D: Int, L: Int, C: Int

    /// A scorer for `model`; `seed` drives the Monte Carlo estimators and `generate`.
    public init(model: VAEModel, capacity: Int = 256, seed: UInt64 = 0) {
        self.model = model
        self.capacity = max(capacity, 1)
        network = VAENetwork(config: model.config, capacity: self.capacity, training: false)
        params = FloatBuffer(count: model.parameters.count)
        params.copy(from: model.parameters)
        D = model.config.inputSize
        L = model.config.latent
        C = model.config.conditions
        muZ = FloatBuffer(count: self.capacity * L)
        runMax = FloatBuffer(count: self.capacity)
        runSum = FloatBuffer(count: self.capacity)
        let stats = model.latentStatistics ?? .standard(latent: L)
        latentMean = FloatBuffer(count: L)
        latentMean.copy(from: stats.mean)
        whitening = FloatBuffer(count: L * L)
        whitening.copy(from: stats.whitening())
        noBias = FloatBuffer(count: L)
        centred = FloatBuffer(count: self.capacity * L)
        whitened = FloatBuffer(count: self.capacity * L)
        maskedInput = FloatBuffer(count: self.capacity * D)
        rng = SeededRandom(seed: seed)
    }

    /// Runs `body` over chunks of at most `capacity` windows, with the network reading the
    /// chunk's rows of `conditions`.
    @inline(__always)
    func chunks(_ count: Int, conditions: UnsafePointer<Float>? = nil, _ body: (_ start: Int, _ B: Int) -> Void) {
        defer { network.condition = nil }
        var start = 0
        while start < count {
            let B = min(capacity, count - start)
            network.condition = C > 0 ? conditions.map { $0 + start * C } : nil
            body(start, B)
            start += B
        }
    }

    /// The encoder's input for rows start..<start+B: x itself without a mask, else a copy with
    /// the missing (and any non-finite) points set to 0, as in training.
    @inline(__always)
    func input(_ x: UnsafePointer<Float>, _ mask: UnsafePointer<Float>?, _ start: Int, _ B: Int) -> UnsafePointer<Float> {
        let xs = x + start * D
        guard let mask else { return xs }
        let m = mask + start * D, out = maskedInput.pointer
        for i in 0..<(B * D) { out[i] = m[i] > 0 && xs[i].isFinite ? xs[i] : 0 }
        return UnsafePointer(out)
    }

    @inline(__always)
    func maskRows(_ mask: UnsafePointer<Float>?, _ start: Int) -> UnsafePointer<Float> {
        mask.map { $0 + start * D } ?? UnsafePointer(network.fullMask.pointer)
    }

    // MARK: Scores from μ_z

    /// Encodes the B windows xs (B, D) to μ_z (muZ, by columns) and decodes z = μ_z: the network's
    /// decoderHead then holds [μ_x | s_x] for each window.
    @inline(__always)
    func decodeMean(_ p: UnsafePointer<Float>, _ xs: UnsafePointer<Float>, _ B: Int) {
        network.encodeMeanByColumns(p, xs, B, into: muZ.pointer)
        network.decodeByColumns(p, muZ.pointer, B)
    }

    /// x is (count, D). nll will be (count): the reconstruction NLL decoding z = μ_z; latentDistance,
    /// if given, (count): the Mahalanobis distance of μ_z. One pass, no allocation.
    public func score(_ x: UnsafePointer<Float>, count: Int, mask: UnsafePointer<Float>? = nil,
                      conditions: UnsafePointer<Float>? = nil,
                      nll: UnsafeMutablePointer<Float>, latentDistance: UnsafeMutablePointer<Float>?) {
        let n = network, p = UnsafePointer(params.pointer)
        chunks(count, conditions: conditions) { start, B in
            let xs = input(x, mask, start, B)
            decodeMean(p, xs, B)
            n.decoderSigma(B)
            GaussianLikelihood.rowNLL(nll + start, head: n.decoderHead.pointer, sigma: n.scratch.pointer, x: xs,
                                      mask: mask.map { $0 + start * D }, B: B, D: D)
            if let latentDistance { mahalanobis(latentDistance + start, muZ.pointer, B) }
        }
    }

    /// The convenience form of `score` over an array of count × D values (and a mask of as many).
    public func score(_ windows: [Float], mask: [Float]? = nil) -> [WindowScore] {
        precondition(windows.count % D == 0, "\(windows.count) values are not whole windows of \(D)")
        precondition(mask == nil || mask?.count == windows.count, "the mask must match the windows")
        let count = windows.count / D
        guard count > 0 else { return [] }
        var nll = [Float](repeating: 0, count: count), dist = nll
        windows.withUnsafeBufferPointer { x in
            nll.withUnsafeMutableBufferPointer { o in
                dist.withUnsafeMutableBufferPointer { d in
                    if let mask {
                        mask.withUnsafeBufferPointer { m in
                            score(x.baseAddress!, count: count, mask: m.baseAddress!, nll: o.baseAddress!, latentDistance: d.baseAddress!)
                        }
                    } else {
                        score(x.baseAddress!, count: count, nll: o.baseAddress!, latentDistance: d.baseAddress!)
                    }
                }
            }
        }
        return zip(nll, dist).map { WindowScore(nll: $0, latentDistance: $1) }
    }

    /// muT is (L, B), one column per window; out will be (B) with ‖W (μ − mean)‖, W the inverse
    /// Cholesky factor: the columns are centred, whitened by one gemm (a layer with weight W and
    /// no bias), and measured.
    @inline(__always)
    private func mahalanobis(_ out: UnsafeMutablePointer<Float>, _ muT: UnsafePointer<Float>, _ B: Int) {
        let m = latentMean.pointer, c = centred.pointer, y = whitened.pointer
        for j in 0..<L {
            for b in 0..<B { c[j * B + b] = muT[j * B + b] - m[j] }
        }
        Dense.forwardColumns(y, c, whitening.pointer, noBias.pointer, B, L, L, relu: false)
        for b in 0..<B { out[b] = 0 }
        for j in 0..<L {
            for b in 0..<B { out[b] += y[j * B + b] * y[j * B + b] }
        }
        for b in 0..<B { out[b] = out[b].squareRoot() }
    }

    /// x is (count, D). pointNLL will be (count, D): each observed point's NLL decoding z = μ_z
    /// (0 where masked); mean and sigma, if given, (count, D): μ_x (the expected values) and σ_x.
    public func reconstruct(_ x: UnsafePointer<Float>, count: Int, mask: UnsafePointer<Float>? = nil,
                            conditions: UnsafePointer<Float>? = nil,
                            pointNLL: UnsafeMutablePointer<Float>?, mean: UnsafeMutablePointer<Float>?,
                            sigma: UnsafeMutablePointer<Float>? = nil) {
        let n = network, p = UnsafePointer(params.pointer)
        chunks(count, conditions: conditions) { start, B in
            let xs = input(x, mask, start, B)
            decodeMean(p, xs, B)
            GaussianLikelihood.forward(rows: nil, point: pointNLL.map { $0 + start * D },
                                       sigma: sigma.map { $0 + start * D }, head: n.decoderHead.pointer, x: xs,
                                       mask: maskRows(mask, start), epsilon: model.config.epsilon, B: B, D: D)
            if let mean {
                for b in 0..<B { (mean + (start + b) * D).update(from: n.decoderHead.pointer + b * 2 * D, count: D) }
            }
        }
    }

    /// x is (count, D) laid out time × field with `fields` fields. out will be (count, fields): each
    /// field's share of the window's standardised squared error Σ_t ((x − μ_x)/σ_x)² over observed
    /// points (each row sums to 1, or is all 0 for a perfect reconstruction).
    public func fieldContributions(_ x: UnsafePointer<Float>, count: Int, fields: Int,
                                   mask: UnsafePointer<Float>? = nil, conditions: UnsafePointer<Float>? = nil,
                                   into out: UnsafeMutablePointer<Float>) {
        precondition(fields > 0 && D % fields == 0, "inputSize \(D) is not a multiple of \(fields) fields")
        let n = network, p = UnsafePointer(params.pointer)
        chunks(count, conditions: conditions) { start, B in
            let xs = input(x, mask, start, B)
            decodeMean(p, xs, B)
            let sig = n.scratch.pointer  // σ_x
            GaussianLikelihood.forward(rows: nil, point: nil, sigma: sig, head: n.decoderHead.pointer, x: xs,
                                       mask: maskRows(mask, start), epsilon: model.config.epsilon, B: B, D: D)
            let m = maskRows(mask, start)
            for b in 0..<B {
                let o = out + (start + b) * fields
                for f in 0..<fields { o[f] = 0 }
                var total: Float = 0
                for j in 0..<D where m[b * D + j] > 0 {
                    let r = (xs[b * D + j] - n.decoderHead.pointer[b * 2 * D + j]) / sig[b * D + j]
                    o[j % fields] += r * r
                    total += r * r
                }
                if total > 0 { for f in 0..<fields { o[f] /= total } }
            }
        }
    }
}
