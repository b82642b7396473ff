import Records

/// What ``StreamingDetector/ingest(_:receivedAt:)`` did with one record.
public enum IngestOutcome: Equatable, Sendable {
    /// The record was placed in its series' window (and may have completed a window to score).
    case accepted
    /// The record was dropped, for one of the reasons the detector decides (docs/DESIGN.md §3):
    /// `unknownGroup`, `seriesLimit`, `noFields` (none of the group's fields), `late` or `duplicate`.
    case rejected(RejectReason)
}
