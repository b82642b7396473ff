#if canImport(Glibc)
import Glibc  // log
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Publishes the onset of an incident rather than its continuation.
///
/// An incident starts with an anomalous window — its evidence `e = −ln p` above the threshold's —
/// and it lasts while anomalous windows keep coming less than `span` windows apart. The
/// span is the window length in windows: for that long after an unusual step, the step is part of
/// the context every later window is predicted from, and what those windows show is mostly the
/// same incident (a level shift, a burst, a regime that has not settled). While an incident lasts,
/// a window is published with the probability of exceeding the incident's peak given that the
/// peak happened: `p′ = min(1, p / p_peak)`, in evidence `e′ = max(0, e − e_peak)`. So the first
/// window of an incident is published as it is, the windows that continue it publish nothing
/// new, and a window stronger than the peak publishes by how much it is stronger (an escalation).
///
/// `p′` is never smaller than `p`, so the published probability stays a conservative tail
/// probability. The memory is two floats per series, kept in its slab row: the peak evidence
/// (NaN without an incident) and the windows since the incident was last continued.
public enum OnsetGate {
    /// Floats of memory per series.
    public static let memoryFloats = 2

    /// The evidence to publish for a window of evidence `evidence` (nats), given `memory` (the
    /// series' incident peak and age) and the threshold's evidence `level`, and the memory
    /// updated with this window.
    @inline(__always)
    public static func publish(_ evidence: Double, memory: UnsafeMutablePointer<Float>, span: Int,
                               level: Double) -> Double {
        let peak = Double(memory[0]), age = memory[1]
        let live = !peak.isNaN && age < Float(span)
        let published = live ? max(evidence - peak, 0) : evidence
        if live {
            if evidence > peak { memory[0] = roundedUp(evidence) }
            memory[1] = evidence > level ? 0 : age + 1
        } else if evidence > level {
            memory[0] = roundedUp(evidence)
            memory[1] = 0
        } else {
            memory[0] = .nan
        }
        return published
    }

    /// `value` as a Float no smaller than it, so that the same evidence again is no stronger than
    /// the stored peak.
    @inline(__always)
    static func roundedUp(_ value: Double) -> Float {
        let stored = Float(value)
        return Double(stored) < value ? stored.nextUp : stored
    }
}
