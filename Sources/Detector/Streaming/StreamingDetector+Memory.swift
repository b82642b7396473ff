/// What a detector's memory is spent on, from its buffers' capacities (not from the process's
/// RSS, so it can be checked exactly in tests).
public struct DetectorMemory: Equatable, Sendable {
    /// Series held.
    public var series = 0
    /// Window rings, scalers and onset memories: every group's ``WindowSlab`` chunks.
    public var windowBytes = 0
    /// The fixed per-series state (time grid, group, slot, row, stride counter) and any step
    /// inference buffers still held.
    public var stateBytes = 0
    /// The series index: keys, offsets, hashes and the slot table.
    public var indexBytes = 0
    /// Alert trackers of the series that are not idle (estimated: entry size × capacity).
    public var trackerBytes = 0
    /// Training reservoirs of every model slot.
    public var reservoirBytes = 0
    /// Every group's two batches of windows with their scoring buffers: a fixed size per group
    /// (batch capacity × window × fields), whatever the number of series.
    public var batchBytes = 0

    /// Bytes that grow with the number of series: everything but the reservoirs and the batches.
    public var seriesBytes: Int { windowBytes + stateBytes + indexBytes + trackerBytes }

    /// ``seriesBytes`` per series (0 without series).
    public var bytesPerSeries: Double { series > 0 ? Double(seriesBytes) / Double(series) : 0 }
}

extension StreamingDetector {
    /// The detector's memory by purpose, computed from buffer capacities. The target,
    /// which the tests hold it to: per series at most `4 × window × fields + 256` bytes.
    public var memoryFootprint: DetectorMemory {
        var memory = DetectorMemory()
        memory.series = states.count
        memory.windowBytes = groups.reduce(0) { $0 + $1.slab.footprintBytes }
        memory.stateBytes = 32 + states.capacity * MemoryLayout<SeriesState>.stride
            + states.reduce(0) { $0 + $1.grid.heapBytes }
        memory.indexBytes = index.footprintBytes
        memory.trackerBytes = trackers.capacity * (MemoryLayout<Int>.stride + MemoryLayout<AlertTracker>.stride)
        memory.reservoirBytes = groups.reduce(0) { total, group in
            group.slots.reduce(total) { $0 + $1.reservoir.footprintBytes + $1.reservoirSeries.capacity * 4 }
        }
        memory.batchBytes = groups.reduce(0) { $0 + $1.batch.footprintBytes + $1.filling.footprintBytes }
        return memory
    }
}
