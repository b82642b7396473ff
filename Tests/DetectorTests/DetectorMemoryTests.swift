import Detector
import Testing

/// The memory target: per series at most `4 × window × fields + 24 × fields + 256` bytes — the
/// ring of the last W steps, six floats per field for the series' scaler and training range (the
/// judge's ``RangeEvidence``), plus small fixed state — measured from the detector's buffer
/// capacities.
@Suite struct DetectorMemoryTests {
    private func group(window: Int, model: GroupConfiguration.ModelSharing = .shared, step: GroupConfiguration.Step = .seconds(60))
        -> GroupConfiguration
    {
        var g = smallGroup()
        g.window = window
        g.step = step
        g.model = model
        g.training.reservoir = 20_000
        return g
    }

    private func fields(_ count: Int, _ value: Double) -> [(String, Double)] {
        (0..<count).map { ("f\($0)", value) }
    }

    @Test(arguments: [(120, 1, 20_000), (64, 8, 5_000)])
    func aSharedModelGroupStaysWithinTheTargetPerSeries(window: Int, fieldCount: Int, series: Int) {
        let detector = StreamingDetector(groups: [group(window: window)],
                                         limits: DetectorLimits(maxSeries: 1_000_000, maxFields: 64))
        for s in 0..<series {
            for t in 0..<3 {
                let record = TestRecord(series: "host-\(s).cpu", time: 1_700_000_000 + Double(t) * 60,
                                        fields: fields(fieldCount, Double(s + t)))
                #expect(detector.ingest(record, receivedAt: 0) == .accepted)
            }
        }
        let memory = detector.memoryFootprint
        #expect(memory.series == series)
        let ring = 4 * window * fieldCount
        // The rings are really held and counted...
        #expect(memory.windowBytes >= ring * series)
        // ...and everything per series beyond them is small.
        #expect(memory.bytesPerSeries <= Double(ring + 24 * fieldCount + 256), "\(memory)")
        #expect(memory.trackerBytes == 0)
        print("memory.bytes_per_series.w\(window)x\(fieldCount) \(memory.bytesPerSeries) bytes")
    }

    /// Beyond its ring, a series' slab row holds its scaler (median and scale per field), its
    /// training range (``RangeEvidence``: 4 floats per field and one per series) and its
    /// ``OnsetGate`` memory: nothing else grows with the series. (Slabs grow by 256 KiB chunks:
    /// over 20,000 series the rounding is under 14 bytes a series.)
    @Test func aSeriesCostsItsRingAndTheJudgesFewFloats() {
        let window = 16, fieldCount = 16, series = 20_000
        let detector = StreamingDetector(groups: [group(window: window)], limits: DetectorLimits(maxSeries: 100_000, maxFields: 64))
        for s in 0..<series {
            let record = TestRecord(series: "host-\(s)", time: 1_700_000_000, fields: fields(fieldCount, Double(s)))
            #expect(detector.ingest(record, receivedAt: 0) == .accepted)
        }
        let floats = window * fieldCount + 2 * fieldCount + RangeEvidence.floats(fields: fieldCount) + OnsetGate.memoryFloats
        let perSeries = Double(detector.memoryFootprint.windowBytes) / Double(series)
        #expect(perSeries >= Double(4 * floats) && perSeries < Double(4 * floats) + 14, "\(perSeries) bytes a series")
    }

    @Test func stepInferenceBuffersAreReleasedOnceTheStepIsKnown() {
        let detector = StreamingDetector(groups: [group(window: 32, step: .automatic)])
        func feed(_ points: Range<Int>) {
            for s in 0..<100 {
                for t in points {
                    let record = TestRecord(series: "s\(s)", time: Double(t) * 10, fields: [("v", 1)])
                    _ = detector.ingest(record, receivedAt: 0)
                }
            }
        }
        feed(0..<3)
        let inferring = detector.memoryFootprint.stateBytes
        feed(3..<20)
        let known = detector.memoryFootprint.stateBytes
        #expect(known < inferring)
        #expect(known <= 32 + 1024 * 88)  // the state array alone (one growth step of 1024 series of 88 bytes)
    }

    @Test func perSeriesReservoirsAreNotAllocatedUpFront() {
        // 200 per-series slots with a 20,000-window reservoir each: allocated up front that would
        // be 200 × 20,000 × 16 × 8 bytes ≈ 512 MB.
        let detector = StreamingDetector(groups: [group(window: 16, model: .perSeries)])
        for s in 0..<200 {
            for t in 0..<20 {
                _ = detector.ingest(TestRecord(series: "s\(s)", time: Double(t) * 60, fields: [("v", Double(t % 3))]),
                                    receivedAt: 0)
            }
        }
        detector.flush()
        let memory = detector.memoryFootprint
        // Each slot holds the 5 windows it has seen; the buffers grow in steps of at least 16.
        #expect(memory.reservoirBytes > 0)
        #expect(memory.reservoirBytes <= 200 * (16 * 16 * 8 + 64 + 128))
    }

    /// The two batches are a fixed size per group: batch capacity × window × fields × (raw values,
    /// observed, inputs, masks: 16 bytes; the scratch of `recent_steps` scoring: 12 more), counted
    /// apart from the per-series figure.
    @Test func batchBuffersAreCountedApartFromTheSeries() {
        let detector = StreamingDetector(groups: [group(window: 16)],
                                         limits: DetectorLimits(maxSeries: 10_000, maxFields: 64, batchCapacity: 32))
        func feed(_ series: Range<Int>) {
            for s in series {
                _ = detector.ingest(TestRecord(series: "s\(s)", time: 0, fields: [("v", 1)]), receivedAt: 0)
            }
        }
        feed(0..<10)
        let memory = detector.memoryFootprint
        let windowFloats = 32 * 16
        #expect(memory.batchBytes >= 2 * windowFloats * 28 && memory.batchBytes <= 2 * (windowFloats * 28 + 32 * 64 + 1024))
    }
}
