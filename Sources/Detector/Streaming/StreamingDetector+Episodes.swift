/// Open episodes across a restart: the daemon saves every series' non-idle ``AlertTracker``
/// (an open episode, or anomalous windows counted towards one) with its checkpoints and at
/// shutdown, and restores them at start, so a graceful restart neither opens an episode again
/// nor forgets to resolve it.
extension StreamingDetector {
    /// A saved tracker: its group's name and its state.
    public struct SavedEpisode: Codable, Equatable, Sendable {
        /// The group the series was routed to.
        public var group: String
        /// The tracker's state.
        public var tracker: AlertTracker.Snapshot

        /// A saved tracker of a series in `group`.
        public init(group: String, tracker: AlertTracker.Snapshot) {
            self.group = group
            self.tracker = tracker
        }
    }

    /// Every non-idle tracker, by series key, those restored but not yet taken included (a
    /// series that has not come back since the restart keeps its episode for the next one).
    public func openEpisodes() -> [SavedEpisode] {
        finishScoring()  // the trackers include every window scored so far
        var saved = trackers.map { SavedEpisode(group: groups[states[$0.key].group].configuration.name, tracker: $0.value.snapshot) }
        saved += restoredTrackers.values.map { SavedEpisode(group: $0.group, tracker: $0.snapshot) }
        return saved.sorted { $0.tracker.seriesKey < $1.tracker.seriesKey }
    }

    /// Restores saved trackers: each series takes its own with its first judged window, if it
    /// is routed to the same group (a tracker of a series now routed elsewhere is dropped).
    public func restoreEpisodes(_ saved: [SavedEpisode]) {
        for entry in saved where entry.tracker.episode != nil || entry.tracker.pendingAnomalous > 0 {
            restoredTrackers[entry.tracker.seriesKey] = (entry.group, entry.tracker)
        }
    }

    /// The restored tracker of series `s`, judged in `group`, on its first judged window since the
    /// restore; nil otherwise.
    func restoredTracker(series s: Int, group: ModelGroup) -> AlertTracker? {
        if restoreLooked.count <= s { restoreLooked += [Bool](repeating: false, count: s + 1 - restoreLooked.count) }
        guard !restoreLooked[s] else { return nil }
        restoreLooked[s] = true
        guard let entry = restoredTrackers.removeValue(forKey: index.key(of: s)) else { return nil }
        if restoredTrackers.isEmpty { restoreLooked = [] }
        guard entry.group == group.configuration.name else { return nil }
        return AlertTracker(restoring: entry.snapshot, configuration: group.judge.alerts)
    }
}
