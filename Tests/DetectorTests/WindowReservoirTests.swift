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
