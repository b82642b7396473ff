import Detector
import Testing

@Suite struct WindowReservoirTests {
    @Test func keepsTheMostRecentWindowsOldestFirst() {
        var reservoir = WindowReservoir(capacity: 3, windowSize: 2)
        for i in 0..<5 {
            reservoir.append(values: [Float(i), Float(i) + 0.5], mask: [1, i == 3 ? 0 : 1])
        }
        #expect(reservoir.count == 3)
        #expect(reservoir.appended == 5)
        let snapshot = reservoir.snapshot()
        #expect(snapshot.count == 3)
        #expect(snapshot.values == [2, 2.5, 3, 3.5, 4, 4.5])
        #expect(snapshot.mask == [1, 1, 1, 0, 1, 1])
    }

    @Test func partiallyFilled() {
        var reservoir = WindowReservoir(capacity: 10, windowSize: 1)
        reservoir.append(values: [7], mask: [1])
        #expect(reservoir.snapshot().values == [7])
    }
}

@Suite struct WindowReservoirGrowthTests {
    @Test func buffersGrowWithTheWindowsHeldNotWithTheCapacity() {
        var reservoir = WindowReservoir(capacity: 20_000, windowSize: 120)
        let empty = reservoir.footprintBytes
        #expect(empty < 1024)
        let window = [Float](repeating: 1, count: 120), mask = [Float](repeating: 1, count: 120)
        for _ in 0..<100 { reservoir.append(values: window, mask: mask) }
        // 100 windows of 120 values and mask: 96,000 bytes held, at most half again reserved.
        #expect(reservoir.footprintBytes >= 100 * 120 * 8)
        #expect(reservoir.footprintBytes <= 100 * 120 * 8 * 3 / 2 + 16 * 120 * 8 + 1024)
    }

    @Test func aFullRingWrapsWithoutGrowing() {
        var reservoir = WindowReservoir(capacity: 40, windowSize: 3)
        for i in 0..<40 { reservoir.append(values: [Float(i), 0, 0], mask: [1, 1, 1]) }
        let full = reservoir.footprintBytes
        // Grown to the capacity, not past it (16 → 24 → 36 → 40 windows, where half again would
        // make 54). The bytes are what malloc hands out, which may round up (once 1,744 for the
        // 960 asked, in a parallel `swift test`), so they are held only to not growing.
        #expect(reservoir.reservedWindows == 40)
        for i in 40..<100 { reservoir.append(values: [Float(i), 0, 0], mask: [1, 1, 1]) }
        #expect(reservoir.footprintBytes == full)
        let snapshot = reservoir.snapshot()
        #expect(snapshot.count == 40)
        #expect(snapshot.values.first == 60 && snapshot.values[39 * 3] == 99)
    }
}
