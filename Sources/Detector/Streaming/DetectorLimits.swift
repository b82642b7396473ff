/// Cardinality caps of a ``StreamingDetector`` (the `[limits]` table of docs/DESIGN.md §5).
public struct DetectorLimits: Sendable, Equatable {
    /// Most series held across all groups; a record of a new series beyond it is rejected
    /// (`series_limit`).
    public var maxSeries: Int
    /// Most fields per series; further fields of a record are ignored.
    public var maxFields: Int
    /// Windows scored together in one batch per group (the batch buffer, allocated once).
    public var batchCapacity: Int

    /// Creates limits; defaults as in docs/DESIGN.md §5, batches of 256 windows.
    public init(maxSeries: Int = 100_000, maxFields: Int = 64, batchCapacity: Int = 256) {
        precondition(maxSeries > 0 && maxFields > 0 && batchCapacity > 0)
        self.maxSeries = maxSeries
        self.maxFields = maxFields
        self.batchCapacity = batchCapacity
    }
}
