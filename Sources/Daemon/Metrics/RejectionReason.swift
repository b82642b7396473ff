extension DaemonMetrics {
    /// Why a record line was not scored (SPEC §3), one `records_rejected_total{reason}` series each.
    ///
    /// The raw value indexes ``DaemonMetrics/recordsRejected`` directly, so counting a rejection on
    /// the hot path is an array subscript and one relaxed atomic add — no dictionary, no string.
    public enum RejectionReason: Int, CaseIterable, Sendable {
        /// The line could not be parsed in its format.
        case malformed
        /// The message or line exceeded `input.max_message_bytes` or a key length limit.
        case tooLarge
        /// The record carried no usable numeric field.
        case noFields
        /// The timestamp was unparseable or out of range.
        case badTimestamp
        /// A new series arrived while `limits.max_series` series were active.
        case seriesLimit
        /// The record was older than its series' current window allows.
        case late
        /// A record with the same series and timestamp was already taken.
        case duplicate
        /// No `[[group]]` matched the series key.
        case unknownGroup
        /// The bounded scoring queue was full, so the record was dropped (back-pressure, SPEC §9).
        case droppedQueueFull

        /// The `reason` label value.
        public var label: String {
            switch self {
            case .malformed: "malformed"
            case .tooLarge: "too_large"
            case .noFields: "no_fields"
            case .badTimestamp: "bad_timestamp"
            case .seriesLimit: "series_limit"
            case .late: "late"
            case .duplicate: "duplicate"
            case .unknownGroup: "unknown_group"
            case .droppedQueueFull: "dropped_queue_full"
            }
        }
    }
}
