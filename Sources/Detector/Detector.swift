/// The streaming detector: per-series windows, model groups, and the one judge of every window.
/// Driven by both the daemon and the offline command line (docs/ARCHITECTURE.md). No sockets, no threads.
///
/// The model-independent building blocks, in the order data flows through them:
/// - `Windows/`: ``SeriesWindow`` (a ring of the last W steps on a regular grid, with the gap,
///   duplicate and late-point policy) and ``StepInference``.
/// - `Scoring/`: ``ScoreCalibration`` (raw NLL and latent distance → one combined score).
/// - `Judge/`: the ``Judge`` and its stages — ``ScoreTail`` and ``ColdStartCheck`` (first-stage
///   tail probabilities), ``EvidenceTail`` (online calibration, on a ``GeneralizedPareto`` fit),
///   ``FalseAlarmRate`` (the threshold), ``OnsetGate`` (the published score).
/// - `Alerts/`: ``AlertTracker`` (the docs/DESIGN.md §4 episodes) and ``AlertJSONEncoder``.
///
/// No file format but the model file: CSV input, labels, evaluation and plots are the `Offline`
/// module's.
public enum DetectorModule {}
