/// Idle series expire: a series that has sent nothing for a while gives back its id, its window
/// row and its place under `max_series`, so that after a burst of names (or a fleet that was
/// renamed) new series are admitted again without a restart.
///
/// Series ids are dense indices into the detector's arrays, so expiry compacts: the survivors
/// keep their order and move to ids `0..<n`, their slab rows are copied into a new slab per
/// group, and every reference is remapped. Nothing about a survivor changes — its window, its
/// scaler, its onset memory and its alert state move with it — so its verdicts are exactly those
/// of a detector that never expired anything (a test proves it). Windows of expired series in a
/// training reservoir stay there (they are still normal data) under their key, kept in
/// `retiredKeys` until the reservoir has forgotten them.
extension StreamingDetector {
    /// Forgets every series whose last record came before `epoch` (see ``activityEpoch``), except
    /// those in an open episode or counting anomalous windows towards one: a series that fell
    /// silent mid-incident stays. Queued windows are scored first.
    /// - Returns: the keys of the series forgotten.
    @discardableResult
    public func expireSeries(idleBefore epoch: Int32) -> [String] {
        let idle = states.indices.filter { states[$0].lastEpoch < epoch && trackers[$0] == nil }
        guard !idle.isEmpty else { return [] }
        // Every queued window scored: no batch refers to a series id while they move.
        finishScoring()
        flush()
        finishScoring()
        precondition(groups.allSatisfy { $0.filling.count == 0 }, "queued windows during expiry")

        var expired = [Bool](repeating: false, count: states.count)
        for s in idle { expired[s] = true }
        var newID = [Int32](repeating: -1, count: states.count)
        var newIndex = SeriesIndex(capacity: limits.maxSeries)
        var newStates: [SeriesState] = []
        newStates.reserveCapacity(states.count - idle.count)
        var expiredKeys: [String] = []
        for s in states.indices {
            if expired[s] {
                expiredKeys.append(index.key(of: s))
                continue
            }
            let key = index.key(of: s)
            newID[s] = Int32(newIndex.insert(key)!)
            newStates.append(states[s])
        }

        // Slab rows: each group's survivors, in id order, into a new slab.
        var survivorsByGroup = [[Int]](repeating: [], count: groups.count)
        for s in states.indices where !expired[s] { survivorsByGroup[states[s].group].append(s) }
        for group in groups where group.isLaidOut {
            let survivors = survivorsByGroup[group.index]
            let moved = group.compactRows(keeping: survivors.map { states[$0].row })
            for (s, row) in zip(survivors, moved) { newStates[Int(newID[s])].rowStorage = Int32(row) }
        }

        // Reservoir references: survivors remapped, the expired under a retired key.
        var retired: [String] = []
        var retiredByKey: [String: Int32] = [:]
        func retire(_ key: String) -> Int32 {
            if let k = retiredByKey[key] { return k }
            retired.append(key)
            let k = -Int32(retired.count)
            retiredByKey[key] = k
            return k
        }
        for group in groups {
            for slot in group.slots {
                for i in slot.reservoirSeries.indices {
                    let id = slot.reservoirSeries[i]
                    if id < 0 {
                        slot.reservoirSeries[i] = retire(retiredKeys[Int(-id) - 1])
                    } else if expired[Int(id)] {
                        slot.reservoirSeries[i] = retire(index.key(of: Int(id)))
                    } else {
                        slot.reservoirSeries[i] = newID[Int(id)]
                    }
                }
            }
        }

        var newTrackers: [Int: AlertTracker] = [:]
        for (s, tracker) in trackers { newTrackers[Int(newID[s])] = tracker }
        var newLooked: [Bool] = []
        if !restoreLooked.isEmpty {
            newLooked = [Bool](repeating: false, count: newStates.count)
            for s in restoreLooked.indices where s < states.count && !expired[s] { newLooked[Int(newID[s])] = restoreLooked[s] }
        }

        index = newIndex
        states = newStates
        trackers = newTrackers
        restoreLooked = newLooked
        retiredKeys = retired
        return expiredKeys
    }

    /// The key of a training reservoir's series reference: a live series' id, or `-(k + 1)` for
    /// the `k`-th retired key.
    func reservoirKey(of id: Int32) -> String {
        id >= 0 ? index.key(of: Int(id)) : retiredKeys[Int(-id) - 1]
    }
}
