/// Defaults for `anomalyd detect` without `--config`.
extension GroupConfiguration {
    /// The group `anomalyd detect` uses without a config file: the same settings as
    /// `Config/nab.toml` (128-step windows scored on their newest step, first training after 200
    /// windows, retraining every 500, a small network and 30 epochs at most), budgeted so that a 4,000-row file — training
    /// included — takes a few seconds.
    public static var offline: GroupConfiguration {
        var g = GroupConfiguration()
        g.window = 128
        g.scoring.recentSteps = 1
        g.alerts.resolveAfter = 64
        g.alerts.repeatEvery = 3600
        g.vae.hidden = [64, 32]
        g.vae.latent = 4
        g.training.minWindows = 200
        g.training.reservoir = 4000
        g.training.retrainEvery = .everyWindows(500)
        g.training.epochs = 30
        g.training.batch = 64
        g.threshold.method = .spot
        g.threshold.risk = 1e-3
        return g
    }
}
