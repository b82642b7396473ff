/// The streaming detector: per-series windows, model groups, calibration, thresholds and alerts.
/// Driven by both the daemon and the offline command line (SPEC §2). No sockets, no threads.
///
/// The model-independent building blocks, in the order data flows through them:
/// - `Windows/`: ``SeriesWindow`` (a ring of the last W steps on a regular grid, with the gap,
///   duplicate and late-point policy) and ``StepInference``.
/// - `Scoring/`: ``ScoreCalibration`` (raw NLL and latent distance → one calibrated score, the
///   severity and the [0, 1] anomaly score).
/// - `Thresholds/`: ``AnomalyThreshold`` with ``StaticThreshold``, ``QuantileThreshold`` and
///   ``SpotThreshold`` (SPOT/DSPOT on a ``GeneralizedPareto`` fit), and ``Threshold`` to hold
///   whichever a group configures.
/// - `Alerts/`: ``AlertTracker`` (the SPEC §4 state machine) and ``AlertJSONEncoder``.
/// - `Input/`: ``CSVReader`` → ``CSVTable`` for `anomalyd detect`, and ``TimestampParser``.
/// - `Evaluation/`: ``NABScorer`` (NAB's three profiles and threshold sweep),
///   ``EventMetrics`` and ``PointwiseMetrics`` (SKAB's F1).
public enum DetectorModule {}
