/// One `[[group]]` at run time: its glob, its field layout, its model slots, the slab holding its
/// series' windows and scalers, and its two batches of windows on their way through scoring —
/// all allocated once (the slab grows by chunks with the series).
final class ModelGroup {
    /// Position in the detector's configuration.
    let index: Int
    /// The group's settings.
    let configuration: GroupConfiguration
    /// The compiled `match` glob.
    let glob: GlobPattern
    /// Field names in window column order, UTF-8 and as strings; empty until the first series
    /// arrives when `fields = []` (then that series' fields, up to `maxFields`, fix the layout).
    private(set) var fieldNames: [[UInt8]] = []
    private(set) var fields: [String] = []
    /// Model slots: one for a shared model, one per series otherwise.
    var slots: [ModelSlot] = []
    /// Per-series slots by series key (including slots loaded before their series arrived).
    var slotBySeries: [String: Int] = [:]
    /// Windows being filled by ingest.
    var filling: WindowBatch
    /// The other batch: being scored, or (with a ``ScoringExecutor``) scored on the executor's
    /// thread while ingest fills ``filling``; the two swap at each flush.
    var batch: WindowBatch
    /// One row per series: its window ring (`window × fields` floats), then its scaler's
    /// median and scale (`fields` floats each; scale NaN while it has none), then its training
    /// range (``RangeEvidence``), then its ``OnsetGate`` memory.
    private(set) var slab = WindowSlab(rowFloats: 1)
    /// One record's values mapped onto the layout.
    var values: [Double] = []

    var contributions: [Float] = [], expected: [Float] = []
    /// The judge of every window of the group.
    let judge: Judge
    /// The first stage of windows of slots without a model (nil with `cold_start = false`).
    var coldStart: ColdStartCheck?

    private let maxFields: Int
    private let batchCapacity: Int

    init(index: Int, configuration: GroupConfiguration, limits: DetectorLimits) {
        self.index = index
        self.configuration = configuration
        glob = GlobPattern(configuration.match)
        maxFields = limits.maxFields
        batchCapacity = limits.batchCapacity
        batch = WindowBatch(capacity: 1, windowSize: 1, scratchSize: 1)
        filling = WindowBatch(capacity: 1, windowSize: 1, scratchSize: 1)
        judge = Judge(configuration)
        if !configuration.fields.isEmpty {
            layOut(Array(configuration.fields.prefix(maxFields)).map { Array($0.utf8) })
        }
    }

    var isLaidOut: Bool { !fields.isEmpty }
    var windowSize: Int { configuration.window * fields.count }

    /// Fixes the field layout and allocates the buffers that depend on it.
    func layOut(_ names: [[UInt8]]) {
        precondition(!names.isEmpty && !isLaidOut)
        fieldNames = names
        fields = names.map { String(decoding: $0, as: UTF8.self) }
        let D = windowSize, B = batchCapacity
        values = [Double](repeating: .nan, count: names.count)
        // WindowScoring's scratch is needed only when scoring the newest steps.
        let scratchSize = configuration.scoring.recentSteps > 0 ? B * D : 1
        let members = configuration.training.ensemble
        batch = WindowBatch(capacity: B, windowSize: D, scratchSize: scratchSize, members: members)
        filling = WindowBatch(capacity: B, windowSize: D, scratchSize: scratchSize, members: members)
        slab = WindowSlab(rowFloats: D + 2 * names.count + RangeEvidence.floats(fields: names.count)
                          + OnsetGate.memoryFloats)
        contributions = [Float](repeating: 0, count: names.count)
        expected = [Float](repeating: 0, count: D)
        if configuration.scoring.coldStart && configuration.window >= 3 {
            coldStart = ColdStartCheck(window: configuration.window, fields: names.count)
        }
        if configuration.model == .shared {
            slots = [ModelSlot(series: nil, reservoir: configuration.training.reservoir, windowSize: D)]
        }
    }

    // MARK: - Series rows

    /// The window ring of slab row `row`, (window, fields).
    @inline(__always)
    func ring(_ row: Int) -> UnsafeMutablePointer<Float> { slab.row(row) }

    /// The scaler of slab row `row`: (fields) medians and (fields) scales; nil while it has none.
    @inline(__always)
    func scaler(_ row: Int) -> (median: UnsafeMutablePointer<Float>, scale: UnsafeMutablePointer<Float>)? {
        let median = slab.row(row) + windowSize
        let scale = median + fields.count
        return scale[0].isNaN ? nil : (median, scale)
    }

    /// The ``RangeEvidence`` range of slab row `row`: meaningful once it has a scaler.
    @inline(__always)
    func range(_ row: Int) -> UnsafeMutablePointer<Float> {
        slab.row(row) + windowSize + 2 * fields.count
    }

    /// The ``OnsetGate`` memory of slab row `row`.
    @inline(__always)
    func onsetMemory(_ row: Int) -> UnsafeMutablePointer<Float> {
        range(row) + RangeEvidence.floats(fields: fields.count)
    }

    /// Sets the scaler of slab row `row`.
    /// Copies `rows` (in order) into a new slab, which replaces the old one, and returns their
    /// new row numbers (`0..<rows.count`): idle series' rows are given back
    /// (``StreamingDetector/expireSeries(idleBefore:)``).
    func compactRows(keeping rows: [Int]) -> [Int] {
        let compacted = WindowSlab(rowFloats: slab.rowFloats)
        var moved: [Int] = []
        moved.reserveCapacity(rows.count)
        for row in rows {
            let new = compacted.append()
            compacted.row(new).update(from: slab.row(row), count: slab.rowFloats)
            moved.append(new)
        }
        slab = compacted
        return moved
    }

    func setScaler(_ row: Int, _ scaler: RobustScaler) {
        let F = fields.count
        precondition(scaler.fields == F, "scaler of \(scaler.fields) fields for a group of \(F)")
        let median = slab.row(row) + windowSize, scale = median + F
        for f in 0..<F {
            median[f] = scaler.median[f]
            scale[f] = scaler.scale[f]
        }
        RangeEvidence.store(scaler, into: range(row))
    }

    /// Fixes the layout from `record`'s field names (in line order, at most `maxFields`).
    func layOut<R: DetectorRecord>(from record: R) {
        var names: [[UInt8]] = []
        for i in 0..<min(record.fieldCount, maxFields) {
            let name = Array(record.fieldName(at: i))
            if !names.contains(name) { names.append(name) }
        }
        layOut(names)
    }

    /// Copies `record`'s values into ``values`` by field name (NaN for fields it lacks).
    /// - Returns: how many of the record's fields belong to the layout, or ``valueOutOfRange``.
    func mapFields<R: DetectorRecord>(_ record: R) -> Int {
        let F = fieldNames.count
        for j in 0..<F { values[j] = .nan }
        var matched = 0
        for i in 0..<record.fieldCount {
            let name = record.fieldName(at: i)
            // Records usually repeat the layout's order: try the same position first.
            var column = -1
            if i < F && name.elementsEqual(fieldNames[i]) {
                column = i
            } else {
                for j in 0..<F where j != i && name.elementsEqual(fieldNames[j]) {
                    column = j
                    break
                }
            }
            guard column >= 0 else { continue }
            let value = record.fieldValue(at: i)
            // Windows hold Floats: a finite Double beyond Float's range would become ±inf there
            // and poison the window's scaler and the next model, so the record is refused.
            if abs(value) > Double(Float.greatestFiniteMagnitude) { return Self.valueOutOfRange }
            values[column] = value + 0  // + 0 turns −0 into +0: one zero, whatever the producer wrote
            matched += 1
        }
        return matched
    }

    /// What ``mapFields(_:)`` returns for a record with a value beyond Float's range.
    static let valueOutOfRange = -1

    /// The slot index for a series seen for the first time.
    func slot(forNewSeries key: String) -> Int {
        guard configuration.model == .perSeries else { return 0 }
        if let existing = slotBySeries[key] { return existing }
        slots.append(ModelSlot(series: key, reservoir: configuration.training.reservoir, windowSize: windowSize))
        slotBySeries[key] = slots.count - 1
        return slots.count - 1
    }
}
