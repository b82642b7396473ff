/// What makes a trained model valid for a group: a model file trained under a configuration
/// with another hash is refused instead of silently reused (docs/DESIGN.md §7).
extension GroupConfiguration {
    /// FNV-1a 64 in hex over the settings that shape the model's input and network — fields,
    /// step, window, model sharing, hidden sizes, latent size and β — and over the scoring
    /// settings its calibration was fitted under: `recent_steps` (which steps are hidden and
    /// predicted) and `samples` (how the NLL is estimated). Thresholds, alert rules and the
    /// training schedule may change without invalidating a model.
    public var modelHash: String {
        let text = "fields=\(fields)|step=\(step)|window=\(window)|model=\(model.rawValue)"
            + "|hidden=\(vae.hidden)|latent=\(vae.latent)|beta=\(vae.beta)"
            + (vae.timeContext ? "|time_context" : "")
            + "|recent_steps=\(scoring.recentSteps)|samples=\(scoring.samples)"
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
