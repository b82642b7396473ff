/// A group's queue of complete windows awaiting scoring: fixed capacity, allocated once.
///
/// Windows are held raw (original units, with a 1/0 observed mask); normalisation happens when
/// the batch is scored, with the series' scaler of that moment.
struct WindowBatch {
    /// Most windows held.
    let capacity: Int
    /// Values per window (window × fields).
    let windowSize: Int
    /// Raw values, (capacity, windowSize); missing entries are 0.
    var values: [Float]
    /// 1 observed, 0 missing, (capacity, windowSize).
    var observed: [Float]
    /// Series id of each window.
    var series: [Int]
    /// Ingest sequence number of the record that completed each window.
    var sequence: [Int]
    /// Grid time of the newest and the oldest step of each window.
    var end: [Double], start: [Double]
    /// Windows held.
    var count = 0

    init(capacity: Int, windowSize: Int) {
        self.capacity = capacity
        self.windowSize = windowSize
        values = [Float](repeating: 0, count: capacity * windowSize)
        observed = values
        series = [Int](repeating: 0, count: capacity)
        sequence = series
        end = [Double](repeating: 0, count: capacity)
        start = end
    }

    var isFull: Bool { count == capacity }

    /// Copies the window of `grid` over `ring` in as the next entry.
    mutating func append(_ grid: WindowGrid, ring: UnsafeMutablePointer<Float>, series id: Int, sequence number: Int) {
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
