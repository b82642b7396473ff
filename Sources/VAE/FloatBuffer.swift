/// A fixed-size, 64-byte aligned buffer of `Float`, zero-initialised, owned by one workspace.
///
/// Every matrix in the engine lives in one of these, allocated once when a `Trainer` or `Scorer`
/// is built; the hot loops only read and write through `pointer`.
final class FloatBuffer {
    /// The first element; valid for `count` elements while the buffer lives.
    let pointer: UnsafeMutablePointer<Float>
    /// Number of elements.
    let count: Int

    init(count: Int) {
        let n = max(count, 1)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: n * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: n)
        pointer.initialize(repeating: 0, count: n)
        self.count = count
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    /// Sets every element to zero.
    func zero() { pointer.update(repeating: 0, count: count) }

    /// Copies `values` (at most `count` of them) into the buffer.
    func copy(from values: [Float]) {
        values.withUnsafeBufferPointer { src in
            pointer.update(from: src.baseAddress!, count: min(count, src.count))
        }
    }

    /// The contents as an array.
    var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
