/// Fixed-size float rows for every series of a group, back to back in chunks of about 256 KiB:
/// each row is one series' window ring followed by its scaler and range (see ``ModelGroup``).
///
/// One allocation per chunk instead of one (or three) per series: no per-series object header
/// or malloc overhead, and growing never copies what is already held (a doubling array would
/// briefly need twice the memory of a million windows). A fresh row is all NaN.
final class WindowSlab {
    /// Floats per row.
    let rowFloats: Int
    /// Rows per chunk.
    let rowsPerChunk: Int
    private var chunks: [UnsafeMutablePointer<Float>] = []
    /// Rows handed out.
    private(set) var count = 0

    /// Bytes a chunk aims at; a row larger than that gets a chunk of its own.
    static let chunkBytes = 256 * 1024

    init(rowFloats: Int) {
        precondition(rowFloats > 0)
        self.rowFloats = rowFloats
        rowsPerChunk = max(1, Self.chunkBytes / (rowFloats * MemoryLayout<Float>.stride))
    }

    deinit { for chunk in chunks { chunk.deallocate() } }

    /// A new row, all NaN; returns its number.
    func append() -> Int {
        if count == chunks.count * rowsPerChunk {
            // Only the rows handed out are written, so the pages of a chunk's tail stay untouched.
            chunks.append(.allocate(capacity: rowsPerChunk * rowFloats))
        }
        let row = count
        count += 1
        self.row(row).initialize(repeating: .nan, count: rowFloats)
        return row
    }

    /// The floats of row `row`.
    @inline(__always)
    func row(_ row: Int) -> UnsafeMutablePointer<Float> {
        chunks[row / rowsPerChunk] + (row % rowsPerChunk) * rowFloats
    }

    /// Bytes allocated: every chunk in full, and the chunk table.
    var footprintBytes: Int {
        chunks.count * rowsPerChunk * rowFloats * MemoryLayout<Float>.stride
            + 32 + chunks.capacity * MemoryLayout<UnsafeMutablePointer<Float>>.stride
    }
}
