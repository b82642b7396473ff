extension DaemonMetrics {
    /// The `state` label of `alerts_published_total`: the alert message kinds of docs/DESIGN.md §4.
    public enum AlertState: Int, CaseIterable, Sendable {
        /// First anomalous window of an episode.
        case open
        /// A repeat while the episode lasts.
        case ongoing
        /// The episode ended after enough normal windows.
        case resolved

        /// The `state` label value.
        public var label: String {
            switch self {
            case .open: "open"
            case .ongoing: "ongoing"
            case .resolved: "resolved"
            }
        }
    }
}
