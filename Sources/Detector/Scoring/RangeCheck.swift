/// The range check: whether a window's newest step lies outside the range of the values its
/// series' model was trained on.
///
/// A VAE judges a point by how well its context predicts it, in the units of the series' own
/// noise; it has no notion of "larger than anything this series has done". Yet a value beyond
/// the whole training range — the series' recent history as the reservoir holds it: alert
/// episodes left out, except the windows before a first model and the episodes long enough to be
/// a new normal — is the case an operator most wants to hear about, and the case where a model,
/// extrapolating, is least to be trusted. So when any field's newest value lies beyond its
/// training range by more than ``margin`` of that range, the window's severity (score over
/// threshold) counts `scoring.range_factor` times (``ScoringSettings/rangeFactor``).
///
/// It is a factor, not a verdict of its own: a value just past the range still needs the model
/// to find it at least 1/`range_factor` as unusual as the threshold. Measured on NAB (README,
/// Quality), most false positives were ordinary spikes inside the range, while half the
/// detected anomalies were new extremes.
///
/// The bounds are kept per series in the scaler's units (`(x − median) / scale`, so the lower
/// one is ≤ 0 and the upper one ≥ 0), each as a bfloat16 — a Float's upper 16 bits, rounded
/// away from zero, so outwards — and the two packed into one Float's bit pattern: 4 bytes per
/// field in the series' slab row (README, Memory per series), Float's whole exponent range, and
/// 8 bits of precision (within 0.8 % of the bound, against a margin of 10 % of the range).
public enum RangeCheck {
    /// How far beyond `[minimum, maximum]` a value must lie, as a fraction of `maximum − minimum`.
    public static let margin: Float = 0.1

    /// One field's bounds (scaled units) packed into one Float's bits; ±∞ for a side without a
    /// bound (±`greatestFiniteMagnitude` rounds outwards to ±∞ too).
    @inline(__always)
    public static func packed(minimum: Float, maximum: Float) -> Float {
        Float(bitPattern: UInt32(outward(minimum)) << 16 | UInt32(outward(maximum)))
    }

    /// The bounds packed by ``packed(minimum:maximum:)``.
    @inline(__always)
    public static func unpacked(_ bounds: Float) -> (minimum: Float, maximum: Float) {
        let bits = bounds.bitPattern
        return (Float(bitPattern: bits & 0xFFFF_0000), Float(bitPattern: bits << 16))
    }

    /// `value`'s upper 16 bits, rounded away from zero (a NaN stays a NaN).
    @inline(__always)
    static func outward(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        let upper = UInt16(truncatingIfNeeded: bits >> 16)
        return bits & 0xFFFF == 0 || value.isNaN ? upper : upper + 1  // +1 on the magnitude: outwards
    }

    /// Whether any observed field of the newest step lies outside its field's bounds widened by
    /// ``margin`` of their span on both sides.
    /// - Parameters:
    ///   - newest: the newest step's values in the scaler's units, (fields).
    ///   - observed: 1 where observed, (fields).
    ///   - bounds: (fields) packed bounds.
    @inline(__always)
    public static func isOutside(newest: UnsafePointer<Float>, observed: UnsafePointer<Float>, fields: Int,
                                 bounds: UnsafePointer<Float>) -> Bool {
        for f in 0..<fields where observed[f] > 0 {
            let (low, high) = unpacked(bounds[f])
            let slack = (high - low) * margin  // +∞ for a field without a range
            if newest[f] > high + slack || newest[f] < low - slack { return true }
        }
        return false
    }
}
