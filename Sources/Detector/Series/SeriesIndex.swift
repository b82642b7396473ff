/// Maps series keys (raw UTF-8 bytes, as the codecs hand them over) to dense ids `0..<count`,
/// without building a `String` per lookup.
///
/// Written by hand rather than using `Dictionary<String, Int>` because a lookup happens for every
/// record on the hot path, and a `String` longer than 15 bytes is a heap allocation. Keys live
/// back to back in one byte arena; the table is open addressing with linear probing over 32-bit
/// slots, kept at most half full. Memory per series: the key's bytes, 8 bytes of offsets, and
/// 8–16 bytes of table slots, plus the 64-bit hash.
public struct SeriesIndex {
    /// Most series the index accepts; `insert` returns nil beyond it (the `series_limit` reason).
    public let capacity: Int
    private var arena: [UInt8] = []
    private var keyStarts: [UInt32] = [0]  // key i is arena[keyStarts[i] ..< keyStarts[i + 1]]
    private var hashes: [UInt64] = []
    private var slots: [Int32]  // -1 = empty, else a series id
    private var mask: Int

    /// An empty index that holds at most `capacity` series.
    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        slots = [Int32](repeating: -1, count: 64)
        mask = 63
    }

    /// Number of series.
    public var count: Int { hashes.count }

    /// The id of `key`, or nil when it is not indexed.
    public func id(of key: UnsafeRawBufferPointer) -> Int? {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { return nil }
            if hashes[id] == hash && keyEquals(id, key) { return id }
            slot = (slot + 1) & mask
        }
    }

    /// The id of `key`, inserting it when new; nil when new and the index is full.
    public mutating func insert(_ key: UnsafeRawBufferPointer) -> Int? {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { break }
            if hashes[id] == hash && keyEquals(id, key) { return id }
            slot = (slot + 1) & mask
        }
        guard count < capacity, arena.count + key.count <= Int(UInt32.max) else { return nil }
        let id = count
        // Grow by an eighth rather than doubling: spare capacity is memory per series too.
        if hashes.count == hashes.capacity {
            let more = max(1024, count / 8)
            hashes.reserveCapacity(count + more)
            keyStarts.reserveCapacity(count + 1 + more)
        }
        if arena.count + key.count > arena.capacity {
            arena.reserveCapacity(arena.count + max(key.count, 16 * 1024, arena.count / 8))
        }
        arena.append(contentsOf: key)
        keyStarts.append(UInt32(arena.count))
        hashes.append(hash)
        slots[slot] = Int32(id)
        if count * 2 > slots.count { grow() }
        return id
    }

    /// Bytes allocated: key bytes, offsets, hashes and the slot table, by capacity, with their
    /// array headers.
    public var footprintBytes: Int {
        4 * 32 + arena.capacity + keyStarts.capacity * 4 + hashes.capacity * 8 + slots.capacity * 4
    }

    /// Convenience for tools and tests.
    public mutating func insert(_ key: String) -> Int? {
        var key = key
        return key.withUTF8 { insert(UnsafeRawBufferPointer($0)) }
    }

    /// Convenience for tools and tests.
    public func id(of key: String) -> Int? {
        var key = key
        return key.withUTF8 { id(of: UnsafeRawBufferPointer($0)) }
    }

    /// The key of series `id` (allocates: for alerts and logs, not per record).
    public func key(of id: Int) -> String {
        String(decoding: arena[Int(keyStarts[id])..<Int(keyStarts[id + 1])], as: UTF8.self)
    }

    private func keyEquals(_ id: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = Int(keyStarts[id]), end = Int(keyStarts[id + 1])
        guard end - start == key.count else { return false }
        return arena.withUnsafeBufferPointer { stored in
            key.isEmpty || memcmpEqual(stored.baseAddress! + start, key.baseAddress!, key.count)
        }
    }

    private mutating func grow() {
        let newCount = slots.count * 2
        slots = [Int32](repeating: -1, count: newCount)
        mask = newCount - 1
        for id in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }

    /// FNV-1a over the bytes, then a 64-bit finalizer (splitmix64's) so that the low bits used
    /// for slots depend on every byte.
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key {
            h = (h ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        return h ^ (h >> 31)
    }
}

@inline(__always)
private func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    let b = b.assumingMemoryBound(to: UInt8.self)
    for i in 0..<count where a[i] != b[i] { return false }
    return true
}
