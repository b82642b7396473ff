extension DaemonMetrics {
    /// The `result` label of `models_trained_total`: how one training run ended.
    public enum TrainingResult: Int, CaseIterable, Sendable {
        /// A new model was trained, validated and swapped in.
        case trained
        /// Training finished but validation refused the model; the previous one stays.
        case rejected
        /// Training did not finish (an error, non-finite loss, too little data).
        case failed

        /// The `result` label value.
        public var label: String {
            switch self {
            case .trained: "trained"
            case .rejected: "rejected"
            case .failed: "failed"
            }
        }
    }
}
