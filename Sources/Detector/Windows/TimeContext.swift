#if canImport(Glibc)
import Glibc  // sin, cos: the C library, not Foundation (this runs per window)
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The time of day and the day of the week of a window, as the conditions of a time-conditioned
/// model (``VAE/VAEConfig/conditions``; `group.vae.time_context`).
///
/// A window of a few hours cannot see a daily cycle, let alone a weekly one: the first office
/// hour of a Monday, a nightly job, a daily peak all look like anomalies to a model that does not
/// know when "now" is. Given the time, the model learns what a window looks like at that hour and
/// on that day (Bagel: Li et al., IPCCC 2018, a conditional VAE for exactly this). Each cycle is
/// a point on the unit circle, `(sin 2πφ, cos 2πφ)` with `φ` the phase of the window's newest
/// step in the day and in the week, so that 23:59 and 00:00 are neighbours. Time is UTC: a local
/// daily pattern is still daily in UTC, shifted (by an hour across a daylight-saving change).
public enum TimeContext {
    /// Condition values per window: the day's phase and the week's, two each.
    public static let count = 4

    /// Writes the conditions of a window whose newest step is at `time` (seconds since the epoch)
    /// into `out[0..<count]`.
    @inline(__always)
    public static func write(time: Double, into out: UnsafeMutablePointer<Float>) {
        guard time.isFinite else {
            out.update(repeating: 0, count: count)
            return
        }
        let day = 86_400.0, week = 7 * day
        // 1970-01-01 was a Thursday: shifted by three days, the week's phase is 0 on Mondays at 00:00.
        let dayPhase = time.truncatingRemainder(dividingBy: day) / day
        let weekPhase = (time + 3 * day).truncatingRemainder(dividingBy: week) / week
        out[0] = Float(sin(2 * .pi * dayPhase))
        out[1] = Float(cos(2 * .pi * dayPhase))
        out[2] = Float(sin(2 * .pi * weekPhase))
        out[3] = Float(cos(2 * .pi * weekPhase))
    }

    /// The conditions of windows whose newest steps are at `times`, (times.count × count).
    public static func conditions(times: [Double]) -> [Float] {
        var out = [Float](repeating: 0, count: times.count * count)
        out.withUnsafeMutableBufferPointer { o in
            for (i, t) in times.enumerated() { write(time: t, into: o.baseAddress! + i * count) }
        }
        return out
    }
}
