/// The streaming detector: per-series windows, model groups, calibration, thresholds and alerts.
/// Driven by both the daemon and the offline command line (SPEC §2). No sockets, no threads.
public enum DetectorModule {}
