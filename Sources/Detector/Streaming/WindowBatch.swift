/// A batch of complete windows on its way through scoring, with the buffers it is scored in:
/// fixed capacity, allocated once per group layout.
///
/// Windows are held raw (original units, with a 1/0 observed mask); normalisation happens when
/// the batch is flushed, with the series' scaler of that moment, into ``inputs``/``masks``.
///
/// A group has two (see ``ModelGroup``): one filling while the other is scored. With a
/// ``ScoringExecutor``, the scored one's buffers are the executor thread's from the hand-over to
/// the wait; ingest and the judging of the scores never touch them meanwhile. Hence raw
/// pointers for the scoring buffers, and a class: the two batches change roles by reference.
final class WindowBatch: @unchecked Sendable {
    /// Most windows held.
    let capacity: Int
    /// Values per window (window × fields).
    let windowSize: Int
    /// Raw values, (capacity, windowSize); missing entries are 0.
    private(set) var values: [Float]
    /// 1 observed, 0 missing, (capacity, windowSize).
    private(set) var observed: [Float]
    /// Series id of each window.
    private(set) var series: [Int]
    /// Ingest sequence number of the record that completed each window.
    private(set) var sequence: [Int]
    /// Grid time of the newest and the oldest step of each window.
    private(set) var end: [Double], start: [Double]
    /// Windows held.
    var count = 0

    // Scoring buffers.
    /// Normalised inputs and their masks, (capacity, windowSize): row k is window `rows[k]`.
    let inputs: UnsafeMutablePointer<Float>, masks: UnsafeMutablePointer<Float>
    /// Scores of the normalised rows, (members, capacity): member m's score of row k is at
    /// `m * capacity + k`.
    let nll: UnsafeMutablePointer<Float>, distance: UnsafeMutablePointer<Float>
    /// Ensemble members the score buffers hold.
    let members: Int
    /// The normalised rows' conditions (capacity, ``TimeContext/count``): their time context.
    let conditions: UnsafeMutablePointer<Float>
    /// Scratch of ``WindowScoring`` (three (capacity, windowSize) buffers when scoring the newest steps).
    let scratch: WindowScoring.Scratch
    /// The windows being scored, in input row order (all of one model slot).
    var rows: [Int]
    /// Windows not yet scored while a batch of several slots is scored slot by slot.
    var pending: [Bool]
    private let storage: UnsafeMutablePointer<Float>
    private let storageCount: Int  // floats in `storage`

    /// - Parameters:
    ///   - scratchSize: floats per ``WindowScoring/Scratch`` buffer (see there).
    ///   - members: ensemble members scored per window.
    init(capacity: Int, windowSize: Int, scratchSize: Int, members: Int = 1) {
        self.capacity = capacity
        self.members = max(members, 1)
        self.windowSize = windowSize
        values = [Float](repeating: 0, count: capacity * windowSize)
        observed = values
        series = [Int](repeating: 0, count: capacity)
        sequence = series
        end = [Double](repeating: 0, count: capacity)
        start = end
        rows = series
        pending = [Bool](repeating: false, count: capacity)
        let (B, D) = (capacity, windowSize)
        let M = self.members
        let total = 2 * B * D + 2 * B * M + 3 * scratchSize + B * TimeContext.count
        storage = .allocate(capacity: total)
        storageCount = total
        storage.initialize(repeating: 0, count: total)
        inputs = storage
        masks = inputs + B * D
        nll = masks + B * D
        distance = nll + B * M
        let scratchBase = distance + B * M
        scratch = .init(mean: scratchBase, sigma: scratchBase + scratchSize, hidden: scratchBase + 2 * scratchSize)
        conditions = scratchBase + 3 * scratchSize
    }

    deinit { storage.deallocate() }

    var isFull: Bool { count == capacity }

    /// Bytes held, from the buffers' capacities.
    var footprintBytes: Int {
        let floats = values.capacity + observed.capacity + storageCount
        let words = series.capacity + sequence.capacity + end.capacity + start.capacity + rows.capacity
        return 64 + floats * 4 + words * 8 + pending.capacity
    }

    /// Copies the window of `grid` over `ring` in as the next entry.
    func append(_ grid: WindowGrid, ring: UnsafeMutablePointer<Float>, series id: Int, sequence number: Int) {
        precondition(count < capacity, "batch overflow")
        let offset = count * windowSize, size = windowSize
        values.withUnsafeMutableBufferPointer { v in
            observed.withUnsafeMutableBufferPointer { m in
                _ = grid.copyWindow(
                    ring: ring, into: UnsafeMutableBufferPointer(rebasing: v[offset..<offset + size]),
                    observed: UnsafeMutableBufferPointer(rebasing: m[offset..<offset + size]))
            }
        }
        series[count] = id
        sequence[count] = number
        end[count] = grid.endTime ?? 0
        start[count] = grid.startTime ?? 0
        count += 1
    }
}
