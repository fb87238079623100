import Foundation
import GRDB
package import Wire

extension ReplicaStore {
    /// The Conflicted bookings `key` should hear of (its own creates; an owner key's properties; an admin all),
    /// not dismissed and not in the past, by date.
    package func conflicts(for key: PublicKey, from today: CalendarDate, now: UTCTime) throws -> [BookingRecord] {
        let (role, ownerID) = try writer.read { db in
            let row = try Row.cachedOne(
                db, sql: "SELECT role, owner_id FROM keys WHERE public_key = ?", arguments: [key.hex])
            return (row?["role"] as String?, row?["owner_id"] as String?)
        }
        let mine = try localBookings(status: "Conflicted", from: today.description, now: now)
        let properties: Set<String> =
            try ownerID.map { owner in
                Set(
                    try writer.read { db in
                        try String.cachedAll(
                            db, sql: "SELECT id FROM properties WHERE owner_id = ?", arguments: [owner])
                    })
            } ?? []
        let authors = try writer.read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.cachedAll(
                    db, sql: "SELECT id, author FROM bookings WHERE status = 'Conflicted'"
                )
                .map { ($0["id"] as String, $0["author"] as String) })
        }
        let dismissed = Set(
            try writer.read { db in try String.cachedAll(db, sql: "SELECT code FROM dismissed_conflicts") })
        return mine.filter { record in
            guard !dismissed.contains(record.code) else { return false }
            return role == "admin" || properties.contains(record.propertyID)
                || (authors[record.id] ?? key.hex) == key.hex
        }
    }

    /// Hides a conflict from `node conflicts`.
    package func dismissConflict(code: String, now: UTCTime) throws {
        try writer.write { db in
            try db.run(
                sql: "INSERT OR REPLACE INTO dismissed_conflicts (code, at) VALUES (?, ?)",
                arguments: [code, now.seconds])
        }
    }

    /// Change sets refused at the door (still in the outbox) or sequenced as rejected, with the operations of pending
    /// change sets that name the same bookings (a payment for a booking that lost, …).
    package func refusedChangeSets() throws -> [(id: String, reason: String, dependents: [String])] {
        try writer.read { db in
            var refused: [(id: [UInt8], reason: String, bookings: Set<String>)] = []
            for row in try Row.cachedAll(
                db,
                sql:
                    "SELECT r.id, r.reason, l.change_set FROM refusals r LEFT JOIN log l ON l.seq = r.seq ORDER BY r.counter"
            ) {
                let bytes = (row["change_set"] as Data?).map(Array.init)
                refused.append((Array(row["id"] as Data), row["reason"], Self.bookingIDs(bytes)))
            }
            for row in try Row.cachedAll(
                db,
                sql: "SELECT id, door_refusal, change_set FROM outbox WHERE door_refusal IS NOT NULL ORDER BY counter")
            {
                refused.append(
                    (Array(row["id"] as Data), row["door_refusal"], Self.bookingIDs(Array(row["change_set"] as Data))))
            }
            let pending = try Row.cachedAll(
                db, sql: "SELECT id, change_set FROM outbox WHERE door_refusal IS NULL ORDER BY counter"
            )
            .map { (Hex.encode(Array($0["id"] as Data)), Self.bookingIDs(Array($0["change_set"] as Data))) }
            return refused.map { item in
                (Hex.encode(item.id), item.reason, pending.filter { !$0.1.isDisjoint(with: item.bookings) }.map(\.0))
            }
        }
    }

    /// The booking ids a change set's operations name.
    static func bookingIDs(_ bytes: [UInt8]?) -> Set<String> {
        guard let bytes, let changeSet = try? ChangeSet.decode(canonical: bytes) else { return [] }
        return Set(
            changeSet.ops.compactMap { operation -> String? in
                switch operation {
                case .bookingCreate(let body): body.bookingID
                case .bookingPayment(let body): body.bookingID
                case .paymentExtracted(let body): body.bookingID
                case .bookingConfirm(let body): body.bookingID
                case .bookingRejectPayment(let body): body.bookingID
                case .bookingCancel(let body): body.bookingID
                case .bookingExpire(let body): body.bookingID
                case .bookingComplete(let body): body.bookingID
                case .bookingReinstate(let body): body.bookingID
                default: nil
                }
            })
    }
}
