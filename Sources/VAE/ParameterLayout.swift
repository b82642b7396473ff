/// Where one dense layer's weight (outputs, inputs) and bias (outputs) sit in the flat parameter
/// vector. A head layer holds two stacked halves, μ rows then σ rows, so one gemm computes both.
struct DenseSlot: Sendable, Equatable {
    let name: String
    let inputs: Int
    let outputs: Int
    let weight: Int
    let bias: Int
    let isHead: Bool
}

/// One named tensor of the model file: a view into the flat parameter vector.
struct TensorSlot: Sendable, Equatable {
    let name: String
    let shape: [Int]
    let offset: Int
    var count: Int { shape.reduce(1, *) }
}

/// The flat layout of all parameters, in forward order: each layer's weight then its bias.
struct ParameterLayout: Sendable, Equatable {
    let encoder: [DenseSlot]
    let encoderHead: DenseSlot
    let decoder: [DenseSlot]
    let decoderHead: DenseSlot
    let count: Int

    init(_ config: VAEConfig) {
        var offset = 0
        func slot(_ name: String, _ inputs: Int, _ outputs: Int, head: Bool = false) -> DenseSlot {
            let s = DenseSlot(name: name, inputs: inputs, outputs: outputs, weight: offset,
                              bias: offset + inputs * outputs, isHead: head)
            offset += inputs * outputs + outputs
            return s
        }
        // The first encoder layer reads [x | c], the first decoder layer [z | c].
        var width = config.inputSize + config.conditions
        var enc: [DenseSlot] = []
        for (i, h) in config.hidden.enumerated() {
            enc.append(slot("encoder.layers.\(i)", width, h)); width = h
        }
        encoder = enc
        encoderHead = slot("encoder", width, 2 * config.latent, head: true)
        width = config.latent + config.conditions
        var dec: [DenseSlot] = []
        for (i, h) in config.decoderWidths.enumerated() {
            dec.append(slot("decoder.layers.\(i)", width, h)); width = h
        }
        decoder = dec
        decoderHead = slot("decoder", width, 2 * config.inputSize, head: true)
        count = offset
    }

    /// Every dense layer in forward order.
    var layers: [DenseSlot] { encoder + [encoderHead] + decoder + [decoderHead] }

    /// The tensors written to model files; heads split into `.mu` and `.sigma` tensors.
    var tensors: [TensorSlot] {
        layers.flatMap { s -> [TensorSlot] in
            if !s.isHead {
                return [TensorSlot(name: s.name + ".weight", shape: [s.outputs, s.inputs], offset: s.weight),
                        TensorSlot(name: s.name + ".bias", shape: [s.outputs], offset: s.bias)]
            }
            let half = s.outputs / 2
            return [
                TensorSlot(name: s.name + ".mu.weight", shape: [half, s.inputs], offset: s.weight),
                TensorSlot(name: s.name + ".sigma.weight", shape: [half, s.inputs], offset: s.weight + half * s.inputs),
                TensorSlot(name: s.name + ".mu.bias", shape: [half], offset: s.bias),
                TensorSlot(name: s.name + ".sigma.bias", shape: [half], offset: s.bias + half),
            ]
        }
    }

    /// Ranges of weight matrices (not biases): the parameters weight decay applies to.
    var weightRanges: [Range<Int>] { layers.map { $0.weight..<$0.bias } }
}
