import Testing
@testable import VAE

/// Central finite differences against every backward pass, on a tiny network with fixed noise.
@Suite struct GradientCheckTests {
    static let h: Float = 2e-3

    /// |numeric − analytic| ≤ 1e-2 + 3e-2·|analytic| (Float32 forward passes).
    static func close(_ numeric: Float, _ analytic: Float) -> Bool {
        abs(numeric - analytic) <= 1e-2 + 3e-2 * abs(analytic)
    }

    /// Central differences of f at `values`, one coordinate at a time.
    static func numericGradient(_ values: [Float], _ f: ([Float]) -> Float) -> [Float] {
        var v = values
        return values.indices.map { i in
            v[i] = values[i] + h
            let up = f(v)
            v[i] = values[i] - h
            let down = f(v)
            v[i] = values[i]
            return (up - down) / (2 * h)
        }
    }

    static func random(_ n: Int, _ rng: inout SeededRandom, scale: Float = 1) -> [Float] {
        (0..<n).map { _ in scale * rng.normal() }
    }

    @Test func denseLayerMatchesFiniteDifferences() {
        let (B, C, OC) = (3, 5, 4)
        var rng = SeededRandom(seed: 11)
        let inp = Self.random(B * C, &rng), weight = Self.random(OC * C, &rng), bias = Self.random(OC, &rng)
        let upstream = Self.random(B * OC, &rng)
        // f = Σ upstream · dense(inp), no ReLU: exact checks of dinp, dweight, dbias.
        func f(_ inp: [Float], _ weight: [Float], _ bias: [Float]) -> Float {
            var out = [Float](repeating: 0, count: B * OC)
            Dense.forward(&out, inp, weight, bias, B, C, OC, relu: false)
            return zip(out, upstream).map(*).reduce(0, +)
        }
        var dinp = [Float](repeating: 0, count: B * C), dw = [Float](repeating: 0, count: OC * C)
        var db = [Float](repeating: 0, count: OC)
        Dense.backward(&dinp, &dw, &db, upstream, inp, weight, B, C, OC)
        for (n, a) in zip(Self.numericGradient(inp) { f($0, weight, bias) }, dinp) { #expect(Self.close(n, a)) }
        for (n, a) in zip(Self.numericGradient(weight) { f(inp, $0, bias) }, dw) { #expect(Self.close(n, a)) }
        for (n, a) in zip(Self.numericGradient(bias) { f(inp, weight, $0) }, db) { #expect(Self.close(n, a)) }
    }

    @Test func backwardAccumulates() {
        let (B, C, OC) = (2, 3, 2)
        var rng = SeededRandom(seed: 3)
        let inp = Self.random(B * C, &rng), weight = Self.random(OC * C, &rng), dout = Self.random(B * OC, &rng)
        var dinp = [Float](repeating: 1, count: B * C), dw = [Float](repeating: 1, count: OC * C)
        var db = [Float](repeating: 1, count: OC)
        var dinp0 = [Float](repeating: 0, count: B * C), dw0 = [Float](repeating: 0, count: OC * C)
        var db0 = [Float](repeating: 0, count: OC)
        Dense.backward(&dinp, &dw, &db, dout, inp, weight, B, C, OC)
        Dense.backward(&dinp0, &dw0, &db0, dout, inp, weight, B, C, OC)
        #expect(zip(dw, dw0).allSatisfy { abs($0 - $1 - 1) < 1e-5 })
        #expect(zip(db, db0).allSatisfy { abs($0 - $1 - 1) < 1e-5 })
        #expect(zip(dinp, dinp0).allSatisfy { abs($0 - $1 - 1) < 1e-5 })
    }

    @Test func reluBackwardMasksWhereInputWasNegative() {
        var x: [Float] = [-2, -0.5, 0, 0.5, 2, -1, 3, -4, 5, 0.25]
        ReLU.forward(&x, x.count)
        #expect(x == [0, 0, 0, 0.5, 2, 0, 3, 0, 5, 0.25])
        var d = [Float](repeating: 1.5, count: x.count)
        ReLU.backward(&d, x, x.count)
        #expect(d == x.map { $0 > 0 ? 1.5 : 0 })
    }

    @Test func softplusStdHeadMatchesFiniteDifferences() {
        let n = 19   // not a multiple of the SIMD width: the scalar tail is checked too
        var rng = SeededRandom(seed: 5)
        let pre = Self.random(n, &rng, scale: 3)
        let upstream = Self.random(n, &rng)
        var dpre = [Float](repeating: 0, count: n)
        SoftplusStd.backward(&dpre, upstream, pre, n)
        let numeric = Self.numericGradient(pre) { pre in
            var out = [Float](repeating: 0, count: n)
            SoftplusStd.forward(&out, pre, 1e-4, n)
            return zip(out, upstream).map(*).reduce(0, +)
        }
        for (n, a) in zip(numeric, dpre) { #expect(Self.close(n, a)) }
    }

    @Test func gaussianLikelihoodMatchesFiniteDifferences() {
        let (B, D) = (2, 27)   // 27 = 16 + 8 + 3: every loop of the kernels, tails included
        var rng = SeededRandom(seed: 9)
        let head = Self.random(B * 2 * D, &rng)
        let x = Self.random(B * D, &rng)
        let mask: [Float] = (0..<(B * D)).map { $0 % 5 == 3 ? 0 : 1 }
        let scale: Float = 0.5
        func f(_ head: [Float]) -> Float {
            var rows = [Float](repeating: 0, count: B), dh = [Float](repeating: 0, count: B * 2 * D)
            GaussianLikelihood.forwardBackward(rows: &rows, dhead: &dh, head: head, x: x, mask: mask,
                                               scale: scale, epsilon: 1e-4, B: B, D: D)
            return scale * rows.reduce(0, +)
        }
        var rows = [Float](repeating: 0, count: B), dh = [Float](repeating: 0, count: B * 2 * D)
        GaussianLikelihood.forwardBackward(rows: &rows, dhead: &dh, head: head, x: x, mask: mask,
                                           scale: scale, epsilon: 1e-4, B: B, D: D)
        // The rows agree with the per-point form of the scoring kernel.
        var points = [Float](repeating: 0, count: B * D)
        GaussianLikelihood.forward(rows: nil, point: &points, sigma: nil, head: head, x: x, mask: mask, epsilon: 1e-4, B: B, D: D)
        var sigma = [Float](repeating: 0, count: B * D)
        sigma.withUnsafeMutableBufferPointer { s in
            head.withUnsafeBufferPointer { h in
                for b in 0..<B { SoftplusStd.forward(s.baseAddress! + b * D, h.baseAddress! + b * 2 * D + D, 1e-4, D) }
            }
        }
        var fast = [Float](repeating: 0, count: B)
        GaussianLikelihood.rowNLL(&fast, head: head, sigma: sigma, x: x, mask: mask, B: B, D: D)
        var unmaskedPoints = [Float](repeating: 0, count: B * D), unmaskedFast = fast
        GaussianLikelihood.forward(rows: nil, point: &unmaskedPoints, sigma: nil, head: head, x: x,
                                   mask: [Float](repeating: 1, count: B * D), epsilon: 1e-4, B: B, D: D)
        GaussianLikelihood.rowNLL(&unmaskedFast, head: head, sigma: sigma, x: x, mask: nil, B: B, D: D)
        for b in 0..<B {
            let rowRange = (b * D)..<((b + 1) * D)
            let sum = points[rowRange].reduce(0, +), unmasked = unmaskedPoints[rowRange].reduce(0, +)
            #expect(abs(sum - rows[b]) < 1e-4 * max(1, abs(sum)))
            #expect(abs(sum - fast[b]) < 1e-4 * max(1, abs(sum)))
            #expect(abs(unmasked - unmaskedFast[b]) < 1e-4 * max(1, abs(unmasked)))
        }
        for (i, (n, a)) in zip(Self.numericGradient(head, f), dh).enumerated() {
            #expect(Self.close(n, a), "head[\(i)]")
        }
    }

    @Test func latentSampleAndKLMatchFiniteDifferences() {
        let (B, L) = (2, 5)
        var rng = SeededRandom(seed: 13)
        let head = Self.random(B * 2 * L, &rng)
        let noise = Self.random(B * L, &rng), upstream = Self.random(B * L, &rng)
        let klWeight: [Float] = [0.7, 1.3]
        // f = Σ z·upstream + Σ_b klWeight_b KL_b
        func f(_ head: [Float]) -> Float {
            var z = [Float](repeating: 0, count: B * L), sigma = z, kl = [Float](repeating: 0, count: B)
            LatentGaussian.forward(z: &z, sigma: &sigma, kl: &kl, head: head, noise: noise, epsilon: 1e-4, B: B, L: L)
            return zip(z, upstream).map(*).reduce(0, +) + zip(kl, klWeight).map(*).reduce(0, +)
        }
        var z = [Float](repeating: 0, count: B * L), sigma = z, kl = [Float](repeating: 0, count: B)
        LatentGaussian.forward(z: &z, sigma: &sigma, kl: &kl, head: head, noise: noise, epsilon: 1e-4, B: B, L: L)
        var dh = [Float](repeating: 0, count: B * 2 * L)
        LatentGaussian.backward(dhead: &dh, dz: upstream, klWeight: klWeight, head: head, noise: noise, sigma: sigma, B: B, L: L)
        for (i, (n, a)) in zip(Self.numericGradient(head, f), dh).enumerated() {
            #expect(Self.close(n, a), "head[\(i)]")
        }
    }

    @Test func fullLossMatchesFiniteDifferencesForEveryParameter() throws {
        let config = VAEConfig(inputSize: 6, hidden: [5, 4], decoderHidden: [4, 5], latent: 3, beta: 0.8)
        let model = try VAEModel(config: config, seed: 21)
        let B = 3
        let network = VAENetwork(config: config, capacity: B, training: true)
        var rng = SeededRandom(seed: 23)
        let x = Self.random(B * config.inputSize, &rng)
        let mask: [Float] = (0..<x.count).map { $0 % 7 == 2 ? 0 : 1 }
        network.noise.copy(from: Self.random(B * config.latent, &rng))
        var grads = [Float](repeating: 0, count: model.parameterCount)
        _ = network.lossAndGradient(&grads, model.parameters, x, mask, B, klScale: 0.6)
        var scratch = [Float](repeating: 0, count: model.parameterCount)
        let numeric = Self.numericGradient(model.parameters) { p in
            network.lossAndGradient(&scratch, p, x, mask, B, klScale: 0.6)
        }
        let failures = zip(numeric, grads).filter { !Self.close($0, $1) }.count
        #expect(failures == 0, "\(failures) of \(model.parameterCount) parameters disagree")
        #expect(grads.contains { $0 != 0 })
    }

    /// The conditional VAE: conditions enter the first encoder and the first decoder layer, and
    /// every parameter's gradient — those conditions' weights included — matches finite
    /// differences.
    @Test func conditionalLossMatchesFiniteDifferencesForEveryParameter() throws {
        let config = VAEConfig(inputSize: 6, hidden: [5, 4], decoderHidden: [4, 5], latent: 3, conditions: 2, beta: 0.8)
        let model = try VAEModel(config: config, seed: 31)
        let B = 3
        let network = VAENetwork(config: config, capacity: B, training: true)
        var rng = SeededRandom(seed: 33)
        let x = Self.random(B * config.inputSize, &rng)
        let mask: [Float] = (0..<x.count).map { $0 % 5 == 1 ? 0 : 1 }
        let conditions = Self.random(B * 2, &rng)
        network.noise.copy(from: Self.random(B * config.latent, &rng))
        // Away from the initial point, whose biases are all exactly 0: a row for which a whole
        // layer is dead gives every unit of the next layer a pre-activation of exactly 0, a ReLU
        // kink where no finite difference agrees with either one-sided derivative.
        let parameters = zip(model.parameters, Self.random(model.parameterCount, &rng, scale: 0.05)).map { $0 + $1 }
        var grads = [Float](repeating: 0, count: model.parameterCount)
        conditions.withUnsafeBufferPointer { c in
            network.condition = c.baseAddress
            _ = network.lossAndGradient(&grads, parameters, x, mask, B, klScale: 0.6)
            var scratch = [Float](repeating: 0, count: model.parameterCount)
            let numeric = Self.numericGradient(parameters) { p in
                network.lossAndGradient(&scratch, p, x, mask, B, klScale: 0.6)
            }
            let failures = zip(numeric, grads).filter { !Self.close($0, $1) }.count
            #expect(failures == 0, "\(failures) of \(model.parameterCount) parameters disagree")
            network.condition = nil
        }
        // The conditions' own weights (the first layers' last columns) learn.
        let layout = ParameterLayout(config)
        let first = layout.encoder[0], decoderFirst = layout.decoder[0]
        #expect(first.inputs == 8 && decoderFirst.inputs == 5)
        var conditionWeights: [Float] = []
        for o in 0..<first.outputs {
            conditionWeights.append(grads[first.weight + o * 8 + 6])
            conditionWeights.append(grads[first.weight + o * 8 + 7])
        }
        for o in 0..<decoderFirst.outputs {
            conditionWeights.append(grads[decoderFirst.weight + o * 5 + 3])
            conditionWeights.append(grads[decoderFirst.weight + o * 5 + 4])
        }
        #expect(conditionWeights.contains { $0 != 0 })
        // And the loss depends on them.
        var other = [Float](repeating: 0, count: model.parameterCount)
        let zeroLoss = network.lossAndGradient(&other, parameters, x, mask, B, klScale: 0.6)
        let withLoss = conditions.withUnsafeBufferPointer { c -> Float in
            network.condition = c.baseAddress
            defer { network.condition = nil }
            return network.lossAndGradient(&other, parameters, x, mask, B, klScale: 0.6)
        }
        #expect(zeroLoss != withLoss)
    }
}
