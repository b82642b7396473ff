/// The range check: whether a window's newest step lies outside the range of the values its
/// series' model was trained on.
///
/// A VAE judges a point by how well its context predicts it, in the units of the series' own
/// noise; it has no notion of "larger than anything this series has done". Yet a value beyond
/// the whole training range — which holds the series' recent normal history, alert episodes
/// left out — is the case an operator most wants to hear about, and the case where a model,
/// extrapolating, is least to be trusted. So when any field's newest value lies beyond its
/// training range by more than ``margin`` of that range, the window's severity (score over
/// threshold) counts `scoring.range_factor` times (``ScoringSettings/rangeFactor``).
///
/// It is a factor, not a verdict of its own: a value just past the range still needs the model
/// to find it at least 1/`range_factor` as unusual as the threshold. Measured on NAB (README,
/// Quality), most false positives were ordinary spikes inside the range, while half the
/// detected anomalies were new extremes.
///
/// The bounds are kept per series in the scaler's units (`(x − median) / scale`) as two
/// `Float16` per field, 4 bytes, so that the check fits the memory budget per series (README,
/// Memory per series); 11 bits of precision are plenty against a 10 % margin, and a bound
/// beyond ±65,504 robust σ becomes ±∞ (nothing lies beyond it).
public enum RangeCheck {
    /// How far beyond `[minimum, maximum]` a value must lie, as a fraction of `maximum − minimum`.
    public static let margin: Float = 0.1

    /// Bytes of bounds per field.
    public static let bytesPerField = 2 * MemoryLayout<Float16>.stride

    /// Stores field `field`'s bounds (scaled units) into `bounds`; ±∞ (or ±`greatestFiniteMagnitude`)
    /// for a side without a bound.
    @inline(__always)
    public static func store(minimum: Float, maximum: Float, field: Int, in bounds: UnsafeMutableRawPointer) {
        bounds.storeBytes(of: Float16(minimum), toByteOffset: field * bytesPerField, as: Float16.self)
        bounds.storeBytes(of: Float16(maximum), toByteOffset: field * bytesPerField + 2, as: Float16.self)
    }

    /// Field `field`'s stored bounds.
    @inline(__always)
    public static func bounds(field: Int, in bounds: UnsafeRawPointer) -> (minimum: Float, maximum: Float) {
        (Float(bounds.loadUnaligned(fromByteOffset: field * bytesPerField, as: Float16.self)),
         Float(bounds.loadUnaligned(fromByteOffset: field * bytesPerField + 2, as: Float16.self)))
    }

    /// Whether any observed field of the newest step lies outside its field's bounds widened by
    /// ``margin`` of their span on both sides.
    /// - Parameters:
    ///   - newest: the newest step's values in the scaler's units, (fields).
    ///   - observed: 1 where observed, (fields).
    ///   - bounds: (fields) pairs stored by ``store(minimum:maximum:field:in:)``.
    @inline(__always)
    public static func isOutside(newest: UnsafePointer<Float>, observed: UnsafePointer<Float>, fields: Int,
                                 bounds: UnsafeRawPointer) -> Bool {
        for f in 0..<fields where observed[f] > 0 {
            let (low, high) = Self.bounds(field: f, in: bounds)
            let slack = (high - low) * margin  // +∞ when a side is unbounded
            if newest[f] > high + slack || newest[f] < low - slack { return true }
        }
        return false
    }
}
