package import Store
package import Wire

extension NodeFolder {
    /// Today's date in Asia/Karachi (UTC+5) by the relay-corrected clock.
    package func today(_ store: ReplicaStore) -> CalendarDate {
        CalendarDate(dayNumber: (now(store).seconds + Shift.karachiOffsetMinutes * 60) / 86_400)
    }

    /// `node conflicts`: Conflicted bookings with their winner and free alternatives, and refused change sets.
    package func conflictsObject() throws(SyncError) -> JSONValue {
        let (key, store) = try open()
        let now = now(store)
        let today = today(store)
        let records = try read { try store.conflicts(for: key.publicKey, from: today, now: now) }
        var conflicts: [JSONValue] = []
        for record in records {
            let alternatives = try alternatives(for: record, store: store, today: today, now: now)
            conflicts.append(
                .object([
                    JSONMember("code", .string(record.code)), JSONMember("status", .string(record.status)),
                    JSONMember("winner", record.conflictWith.first.map { .string($0) } ?? .null),
                    JSONMember("date", .string(record.date)), JSONMember("shift", .string(record.shift)),
                    JSONMember("alternatives", .array(alternatives)),
                ]))
        }
        let refused = try read { try store.refusedChangeSets() }.map { item in
            JSONValue.object([
                JSONMember("id", .string(item.id)), JSONMember("reason", .string(item.reason)),
                JSONMember("dependents", .array(item.dependents.map { .string($0) })),
            ])
        }
        return .object([JSONMember("conflicts", .array(conflicts)), JSONMember("refused", .array(refused))])
    }

    /// The other free shifts of that property on that date, then the same shift on the nearest free dates within
    /// ±7 days (never before today) — at most 6, each with its price.
    func alternatives(for record: BookingRecord, store: ReplicaStore, today: CalendarDate, now: UTCTime)
        throws(SyncError)
        -> [JSONValue]
    {
        guard let date = CalendarDate(record.date), let shift = Shift(rawValue: record.shift) else { return [] }
        let start = date.adding(days: -7)
        let grid = try read {
            try store.localAvailability(propertyID: record.propertyID, from: start, days: 15, now: now)
        }
        func free(_ day: CalendarDate, _ candidate: Shift) -> Int? {
            guard day >= today, case .free(let price)? = grid[day.dayNumber - start.dayNumber].shifts[candidate]?.state
            else { return nil }
            return price
        }
        var found: [(CalendarDate, Shift, Int)] = Shift.allCases.filter { $0 != shift }.compactMap { other in
            free(date, other).map { (date, other, $0) }
        }
        for distance in 1...7 {
            for day in [date.adding(days: -distance), date.adding(days: distance)] {
                if let price = free(day, shift) { found.append((day, shift, price)) }
            }
        }
        return found.prefix(6).map { day, candidate, price in
            .object([
                JSONMember("date", .string(day.description)), JSONMember("shift", .string(candidate.name)),
                JSONMember("price", .int(price)),
            ])
        }
    }
}
