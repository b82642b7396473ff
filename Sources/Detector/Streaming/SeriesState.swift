/// The fixed state the detector keeps for one series: 88 bytes, no allocation of its own once
/// its step is known. Everything else lives elsewhere so that a million series stay small:
/// - its window ring and its normalisation: row ``row`` of its group's ``WindowSlab``;
/// - its key: the detector's ``SeriesIndex`` (a `String` is made only for alerts and training);
/// - its ``AlertTracker``: only while it is not idle, in the detector's sparse `trackers`.
struct SeriesState {
    /// The time grid of its window (values in the slab row).
    var grid: WindowGrid
    /// The group the series was routed to on first sight.
    let groupStorage: Int32
    /// The model slot of the group that scores the series (0 for a shared model).
    let slotStorage: Int32
    /// Its row in the group's ``WindowSlab`` (moved when expiry compacts the slab).
    var rowStorage: Int32
    /// Steps appended since the last window was queued (the stride counter).
    var stepsSinceQueued: Int32 = 0
    /// The detector's ``StreamingDetector/activityEpoch`` at the series' last record.
    var lastEpoch: Int32 = 0

    init(grid: WindowGrid, group: Int, slot: Int, row: Int) {
        self.grid = grid
        groupStorage = Int32(group)
        slotStorage = Int32(slot)
        rowStorage = Int32(row)
    }

    var group: Int { Int(groupStorage) }
    var slot: Int { Int(slotStorage) }
    var row: Int { Int(rowStorage) }
}
