package import GRDB
package import Wire

/// One shift's state in the local view, and whether only this node's unsent change sets make it so.
package struct LocalSlot: Sendable, Hashable {
    package var state: SlotState
    package var provisional: Bool
}

/// A booking as the local view shows it (the booking object of interfaces.md, before opening private details).
package struct BookingRecord: Sendable, Hashable {
    package var id: String
    package var code: String
    package var propertyID: String
    package var date: String
    package var shift: String
    package var status: String
    package var source: String
    package var amount: Int
    package var advance: Int
    /// The sequence of the entry that created it, nil while it is only in this node's outbox.
    package var seq: Int?
    package var provisional: Bool
    package var conflictWith: [String]
    package var holdUntil: Int?
}

/// A property as local writes check it.
package typealias LocalProperty = (ownerID: String, maxGuests: Int, archived: Bool, advancePercent: Int)

/// What ``ReplicaStore/localBookingContext(propertyID:date:shift:now:)`` reads.
package struct LocalBookingContext {
    package var property: LocalProperty?
    package var slot: LocalSlot?
    package var quote: Quote?
    package var recipients: [PublicKey]
}

extension ReplicaStore {
    /// Availability in the local view. A shift is provisional when a booking or block on one of its units was
    /// changed by a pending change set, or — for a free or unpriced shift — a pending change set sets the property's
    /// prices.
    package func localAvailability(propertyID: String, from: CalendarDate, days: Int, now: UTCTime) throws
        -> [(date: CalendarDate, shifts: [Shift: LocalSlot])]
    {
        try withLocalView(now: now) { db in
            try Self.localAvailability(db, propertyID: propertyID, from: from, days: days)
        }
    }

    static func localAvailability(_ db: Database, propertyID: String, from: CalendarDate, days: Int) throws
        -> [(date: CalendarDate, shifts: [Shift: LocalSlot])]
    {
        let local = try Availability.compute(db, propertyID: propertyID, from: from, days: days)
        let applied = try StateRow.fetch(db).appliedSeq
        let touched = try Self.provisionalUnits(db, propertyID: propertyID, from: from, days: days, after: applied)
        let pricing = try Self.pendingPricing(db, propertyID: propertyID)
        return local.map { day in
            let shifts = day.shifts.map { shift, state in
                var provisional = shift.units(on: day.date).contains { touched.contains($0) }
                switch state {
                case .free, .noPrice: provisional = provisional || pricing
                case .held, .blocked: break
                }
                return (shift, LocalSlot(state: state, provisional: provisional))
            }
            return (day.date, Dictionary(uniqueKeysWithValues: shifts))
        }
    }

    /// The units of bookings and blocks changed at provisional positions (after `applied`) around the range.
    private static func provisionalUnits(
        _ db: Database, propertyID: String, from: CalendarDate, days: Int, after applied: Int
    ) throws -> Set<SlotUnit> {
        var units = Set<SlotUnit>()
        try db.forEachRow(
            sql: """
                SELECT date, shift FROM bookings
                WHERE property_id = ? AND date BETWEEN ? AND ? AND updated_seq > ?
                UNION ALL
                SELECT date, shift FROM blocks
                WHERE property_id = ? AND date BETWEEN ? AND ? AND (created_seq > ? OR removed_seq > ?)
                """,
            arguments: [
                propertyID, from.adding(days: -1).description, from.adding(days: days).description, applied,
                propertyID, from.adding(days: -1).description, from.adding(days: days).description, applied, applied,
            ]
        ) { row in
            guard let date = CalendarDate(row.text(0)), let shift = Shift(rawValue: row.text(1)) else { return }
            units.formUnion(shift.units(on: date))
        }
        return units
    }

    /// Bookings in the local view, by date then shift (then id), optionally filtered.
    package func localBookings(
        propertyID: String? = nil, status: String? = nil, from: String? = nil, to: String? = nil, code: String? = nil,
        id: String? = nil, limit: Int? = nil, now: UTCTime
    ) throws -> [BookingRecord] {
        try withLocalView(now: now) { db in
            try Self.localBookings(
                db, propertyID: propertyID, status: status, from: from, to: to, code: code, id: id, limit: limit)
        }
    }

    /// ``localBookings(propertyID:status:from:to:code:id:limit:now:)`` inside a transaction on the local view.
    package static func localBookings(
        _ db: Database, propertyID: String? = nil, status: String? = nil, from: String? = nil, to: String? = nil,
        code: String? = nil, id: String? = nil, limit: Int? = nil
    ) throws -> [BookingRecord] {
        let applied = try StateRow.fetch(db).appliedSeq
        var conditions = ["1 = 1"]
        var arguments: [(any DatabaseValueConvertible)?] = []
        for (column, op, value) in [
            ("property_id", "=", propertyID), ("status", "=", status), ("date", ">=", from), ("date", "<=", to),
            ("code", "=", code), ("id", "=", id),
        ] {
            if let value {
                conditions.append("\(column) \(op) ?")
                arguments.append(value)
            }
        }
        let order =
            "ORDER BY date, CASE shift WHEN 'Day' THEN 0 WHEN 'Night' THEN 1 WHEN 'Full Day' THEN 2 ELSE 3 END, id"
        let sql =
            "SELECT * FROM bookings WHERE \(conditions.joined(separator: " AND ")) \(order)"
            + (limit.map { " LIMIT \($0)" } ?? "")
        return try Row.cachedAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
            let created: Int = row["created_seq"]
            let updated: Int = row["updated_seq"]
            let conflicts = (row["conflict_with"] as String?).flatMap { try? CanonicalJSON.decode(Array($0.utf8)) }
            var holders: [String] = []
            if case .array(let items)? = conflicts {
                holders = items.compactMap { if case .string(let s) = $0 { s } else { nil } }
            }
            return BookingRecord(
                id: row["id"], code: row["code"], propertyID: row["property_id"], date: row["date"],
                shift: row["shift"],
                status: row["status"], source: row["source"], amount: row["amount"], advance: row["advance"],
                seq: created <= applied ? created : nil, provisional: updated > applied, conflictWith: holders,
                holdUntil: row["hold_until"])
        }
    }

    /// The property's owner, maximum guests and archived flag in the local view, or nil.
    package func localProperty(_ id: String, now: UTCTime) throws -> LocalProperty? {
        try withLocalView(now: now) { db in try Self.localProperty(db, id) }
    }

    static func localProperty(_ db: Database, _ id: String) throws -> LocalProperty? {
        try Row.cachedOne(
            db, sql: "SELECT owner_id, max_guests, archived, advance_percent FROM properties WHERE id = ?",
            arguments: [id]
        ).map { ($0["owner_id"], $0["max_guests"], ($0["archived"] as Int) == 1, $0["advance_percent"]) }
    }

    /// Everything a local booking checks and quotes at the edge, read in one transaction of the local view: the
    /// property, the slot, the quote and the keys its contact details are sealed to.
    package func localBookingContext(propertyID: String, date: CalendarDate, shift: Shift, now: UTCTime) throws
        -> LocalBookingContext
    {
        try withLocalView(now: now) { db in
            LocalBookingContext(
                property: try Self.localProperty(db, propertyID),
                slot: try Self.localAvailability(db, propertyID: propertyID, from: date, days: 1).first?.shifts[shift],
                quote: try Availability.quote(db, propertyID: propertyID, date: date, shift: shift),
                recipients: try Self.recipients(db, propertyID: propertyID))
        }
    }

    /// The quote in the local view (prices and accounts this node changed count).
    package func localQuote(propertyID: String, date: CalendarDate, shift: Shift, now: UTCTime) throws -> Quote? {
        try withLocalView(now: now) { db in try Availability.quote(db, propertyID: propertyID, date: date, shift: shift)
        }
    }

    /// A booking's customer as `reader` may see them, in the local view.
    package func localCustomer(ofBooking id: String, reader: SigningKey, now: UTCTime) throws -> CustomerView? {
        try withLocalView(now: now) { db in try CustomerView.read(db, bookingID: id, reader: reader) }
    }

    /// Every property in the local view, by name.
    package func localProperties(now: UTCTime) throws -> [JSONValue] {
        try withLocalView(now: now) { db in
            try Row.cachedAll(db, sql: "SELECT * FROM properties ORDER BY name, id").map { row in
                .object(
                    ["id", "owner_id", "name", "type", "city", "province", "country", "address"].map {
                        JSONMember($0, .string(row[$0]))
                    } + [
                        JSONMember("max_guests", .int(row["max_guests"])),
                        JSONMember("advance_percent", .int(row["advance_percent"])),
                        JSONMember("hold_minutes", .int(row["hold_minutes"])),
                        JSONMember("archived", .bool((row["archived"] as Int) == 1)),
                    ])
            }
        }
    }
}

extension ReplicaStore {
    /// A property's live blocks in the local view, by date.
    package func localBlocks(propertyID: String, now: UTCTime) throws -> [(
        id: String, date: String, shift: String, reason: String?
    )] {
        try withLocalView(now: now) { db in
            try Row.cachedAll(
                db,
                sql:
                    "SELECT id, date, shift, reason FROM blocks WHERE property_id = ? AND removed_seq IS NULL ORDER BY date, id",
                arguments: [propertyID]
            ).map { ($0["id"], $0["date"], $0["shift"], $0["reason"]) }
        }
    }
}
