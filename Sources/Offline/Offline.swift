/// The offline tools around the streaming detector: files in, files out. Driven by the command
/// line (`anomalyd detect`, `evaluate`, `train`, `score`, `embed`, `generate`, `tune`, `replay`);
/// the daemon never imports it (docs/ARCHITECTURE.md).
///
/// - `Input/`: ``CSVReader`` → ``CSVTable`` (with ``TimestampParser``), ``NamedTable`` for
///   results directories.
/// - `Detection/`: ``OfflineDetector`` (a table through the daemon's ``Detector/StreamingDetector``,
///   one ``RowCollector`` result per row), ``OfflineTrainer``, ``CSVWindows``.
/// - `Evaluation/`: ``NABLabels``, ``NABScorer`` (NAB's three profiles and threshold sweep),
///   ``NABEvaluation``, ``EventMetrics`` and ``PointwiseMetrics`` (SKAB's F1).
/// - `Tuning/`: ``GridSearch``.
/// - `Output/`: ``ResultsCSV`` and ``CSVFormat`` (the files the commands write), ``RecordLines``
///   (rows as the daemon's JSON records), ``ResultsPlot`` (SVG).
public enum OfflineModule {}
