import Foundation
package import GRDB
package import Wire

/// A node's own writes: signed, checked against the local view, kept durably until the log applies them.
///
/// The local view is the sequenced state with the pending change sets applied on top, kept applied by ``Overlay``
/// and removed before sequenced entries are applied, so "rebasing" is simply re-applying what is still pending on
/// the newest state.
extension ReplicaStore {
    /// Signs and stores one local write, in one transaction that takes the next counter: refused (nothing written)
    /// when applying it to the local view rejects it.
    ///
    /// - Parameters:
    ///   - key: this node's key; the change set's author.
    ///   - now: the node's clock corrected by the relay offset (provisional relay time).
    ///   - operations: the change set's operations.
    /// - Returns: the signed change set and its provisional outcome (`applied` or `conflicted`).
    package func write(_ operations: [Wire.Operation], key: SigningKey, now: UTCTime, refuseConflicts: Bool = false)
        throws
        -> (SignedChangeSet, Outcome)
    {
        let (signed, outcome, _) = try write(
            operations, key: key, now: { _ in now }, refuseConflicts: refuseConflicts, readBack: { _ in () })
        return (signed, outcome)
    }

    /// The same as one transaction with what a node reads around a write: `now` (its clock, corrected by the offset
    /// in `local_meta`) and checks (its enrolment, throwing to refuse) first, then `readBack` on the local view with
    /// the write in it. Each separate read was a transaction of its own, which cost a local booking a sixth.
    package func write<T>(
        _ operations: [Wire.Operation], key: SigningKey, now: (Database) throws -> UTCTime,
        refuseConflicts: Bool = false, readBack: (Database) throws -> T
    ) throws -> (SignedChangeSet, Outcome, T) {
        try writer.write { db in
            let now = try now(db)
            let state = try StateRow.fetch(db)
            let sequenced =
                try Int.cachedOne(
                    db, sql: "SELECT max(counter) FROM log WHERE author = ?", arguments: [key.publicKey.hex])
                ?? 0
            let queued = try Int.cachedOne(db, sql: "SELECT max(counter) FROM outbox") ?? 0
            let changeSet = ChangeSet(
                author: key.publicKey, counter: max(sequenced, queued) + 1, baseSeq: state.appliedSeq,
                baseHash: state.headHash, time: now, ops: operations)
            let signed = try SignedChangeSet(signing: changeSet, with: key)
            let outcome = try Overlay.append(signed, db)
            if case .rejected(let rejection) = outcome { throw rejection }
            // A booking that would be Conflicted in the local view is refused, not written.
            if refuseConflicts, outcome == .conflicted { throw Rejection(reason: .slotTaken) }
            try db.run(
                sql: """
                    INSERT INTO outbox (counter, id, change_set, signature, created_at, author) VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    changeSet.counter, Data(signed.id), Data(signed.bytes), Data(signed.signature), now.seconds,
                    key.publicKey.hex,
                ])
            return (signed, outcome, try readBack(db))
        }
    }

    /// Runs `body` on the local view (sequenced state plus pending change sets): a plain read while the overlay is
    /// applied; otherwise the overlay is put in place first.
    package func withLocalView<T>(now: UTCTime, _ body: (Database) throws -> T) throws -> T {
        let fast: Result<T, any Error>? = try writer.read { db in
            try Overlay.isApplied(db) ? Result { try body(db) } : nil
        }
        if let fast { return try fast.get() }
        return try writer.write { db in
            try Overlay.ensure(db)
            return try body(db)
        }
    }

    /// Takes the overlay off and applies every pending change set again, from scratch.
    package func resetLocalView() throws {
        try writer.write { db in
            try Overlay.remove(db)
            try Overlay.ensure(db)
        }
    }

    /// The pending change sets: in the outbox, not refused at the door, not yet in the log; in counter order.
    static func pending(_ db: Database) throws -> [SignedChangeSet] {
        try Row.cachedAll(
            db,
            sql: """
                SELECT change_set, signature FROM outbox o
                WHERE door_refusal IS NULL AND NOT EXISTS (SELECT 1 FROM log l WHERE l.author = o.author AND l.counter = o.counter AND l.id = o.id) ORDER BY counter
                """
        ).map { try SignedChangeSet(bytes: Array($0["change_set"] as Data), signature: Array($0["signature"] as Data)) }
    }

    /// Whether a pending change set sets the prices of `propertyID` (`outbox_pricing`, kept by triggers).
    static func pendingPricing(_ db: Database, propertyID: String) throws -> Bool {
        try Bool.cachedOne(
            db,
            sql: """
                SELECT 1 FROM outbox_pricing p JOIN outbox o ON o.id = p.outbox_id
                WHERE p.property_id = ? AND o.door_refusal IS NULL AND NOT EXISTS (SELECT 1 FROM log l WHERE l.author = o.author AND l.counter = o.counter AND l.id = o.id) LIMIT 1
                """,
            arguments: [propertyID]) != nil
    }

    /// The change sets to push, in counter order.
    package func pendingChangeSets() throws -> [SignedChangeSet] { try writer.read { db in try Self.pending(db) } }

    /// Records the relay's acknowledgements and its door refusal, if any (which stops pushing for this key).
    package func recordPush(acknowledged: [(id: [UInt8], seq: Int)], refused: (id: [UInt8], reason: String)?) throws {
        try writer.write { db in
            for (id, seq) in acknowledged {
                try db.run(sql: "UPDATE outbox SET acknowledged_seq = ? WHERE id = ?", arguments: [seq, Data(id)])
            }
            if let refused {
                // No longer pending: the local view changes.
                try Overlay.remove(db)
                try db.run(
                    sql: "UPDATE outbox SET door_refusal = ? WHERE id = ?",
                    arguments: [refused.reason, Data(refused.id)])
            }
        }
    }

    /// Moves change sets the log has applied out of the outbox (the transaction that applies a page does it already;
    /// this catches any a store written by an earlier version left behind) and puts the overlay back for the reads
    /// that follow a sync. Idempotent.
    package func settleOutbox() throws {
        try writer.write { db in
            try Self.settle(db)
            try Overlay.ensure(db)
        }
    }

    /// The outbox's change sets the log holds. `CROSS JOIN` keeps the outbox (a handful of rows) as the outer loop:
    /// with a plain join SQLite's planner chose to scan the whole log and look each entry up in the outbox — on every
    /// page a node applied, so catching up was quadratic in the log's length.
    package static let settledSQL =
        """
        SELECT o.id, o.counter, l.seq, l.outcome, l.relay_time FROM outbox o
        CROSS JOIN log l ON l.author = o.author AND l.counter = o.counter AND l.id = o.id
        """

    /// Deletes from the outbox every change set the log holds; the ones sequenced as rejected go to the refusals list
    /// with their reason, stamped with their entry's relay time.
    static func settle(_ db: Database) throws {
        let settled = try Row.cachedAll(db, sql: settledSQL)
        for row in settled {
            let outcome = try CanonicalJSON.decode(Array((row["outcome"] as String).utf8))
            if case .string(let reason)? = outcome["reason"] {
                try db.run(
                    sql: "INSERT OR IGNORE INTO refusals (id, counter, seq, reason, at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [
                        row["id"] as Data, row["counter"] as Int, row["seq"] as Int, reason, row["relay_time"] as Int,
                    ])
            }
            try db.run(sql: "DELETE FROM outbox WHERE id = ?", arguments: [row["id"] as Data])
        }
    }

    /// Counts for `node status`: pending (not refused) and refused (at the door or in the log).
    package func outboxCounts() throws -> (pending: Int, refused: Int) {
        try writer.read { db in
            let pending = try Int.cachedOne(db, sql: "SELECT count(*) FROM outbox WHERE door_refusal IS NULL") ?? 0
            let door = try Int.cachedOne(db, sql: "SELECT count(*) FROM outbox WHERE door_refusal IS NOT NULL") ?? 0
            let logged = try Int.cachedOne(db, sql: "SELECT count(*) FROM refusals") ?? 0
            return (pending, door + logged)
        }
    }
}

extension ReplicaStore {
    /// Conflicted bookings this key should hear about (interfaces.md, `node conflicts`): the ones whose create it
    /// wrote; for an owner key also those on its owner's properties; for an admin key all.
    package func conflictCount(for key: PublicKey) throws -> Int {
        try writer.read { db in
            let enrolment = try Row.cachedOne(
                db, sql: "SELECT role, owner_id FROM keys WHERE public_key = ?", arguments: [key.hex])
            let role: String? = enrolment?["role"]
            if role == "admin" {
                return try Int.cachedOne(db, sql: "SELECT count(*) FROM bookings WHERE status = 'Conflicted'") ?? 0
            }
            return try Int.cachedOne(
                db,
                sql: """
                    SELECT count(*) FROM bookings b JOIN properties p ON p.id = b.property_id
                    WHERE b.status = 'Conflicted' AND (b.author = ? OR (? IS NOT NULL AND p.owner_id = ?))
                    """,
                arguments: [key.hex, enrolment?["owner_id"] as String?, enrolment?["owner_id"] as String?]) ?? 0
        }
    }

    /// The outbox for `node outbox`: each change set with its counter, operations, acknowledgement and door refusal.
    package func outboxListing() throws -> [(
        id: String, counter: Int, operations: [String], acknowledgedSeq: Int?, refusal: String?
    )] {
        try writer.read { db in
            try Row.cachedAll(db, sql: "SELECT * FROM outbox ORDER BY counter").map { row in
                let changeSet = try ChangeSet.decode(canonical: Array(row["change_set"] as Data))
                return (
                    Hex.encode(Array(row["id"] as Data)), row["counter"], changeSet.ops.map(\.name),
                    row["acknowledged_seq"],
                    row["door_refusal"]
                )
            }
        }
    }
}

extension ReplicaStore {
    /// Re-signs this node's never-acknowledged pending change sets with fresh, gapless counters after the last one
    /// the log (or an acknowledgement) has for this key, and the current base — when their counters no longer fit
    /// (taken in the log by other change sets after a restored backup, or freed by a drop). Operations are kept as
    /// they were. Returns how many were re-signed.
    package func renumberPending(key: SigningKey, now: UTCTime) throws -> Int {
        try writer.write { db in try Self.renumber(db, key: key, now: now) }
    }

    static func renumber(_ db: Database, key: SigningKey, now: UTCTime) throws -> Int {
        let sequenced =
            try Int.cachedOne(
                db, sql: "SELECT max(counter) FROM log WHERE author = ?", arguments: [key.publicKey.hex])
            ?? 0
        let acknowledged = try Int.cachedOne(
            db,
            sql: """
                SELECT max(counter) FROM outbox o WHERE acknowledged_seq IS NOT NULL AND NOT EXISTS (SELECT 1 FROM log l WHERE l.author = o.author AND l.counter = o.counter AND l.id = o.id)
                """
        )
        let rows = try Row.cachedAll(
            db,
            sql: """
                SELECT counter, change_set FROM outbox o
                WHERE acknowledged_seq IS NULL AND NOT EXISTS (SELECT 1 FROM log l WHERE l.author = o.author AND l.counter = o.counter AND l.id = o.id)
                    AND (door_refusal IS NULL OR door_refusal = 'counter.reused')
                ORDER BY counter
                """)
        var next = max(sequenced, acknowledged ?? 0) + 1
        // Nothing to do when the pending counters already run next, next + 1, … without a gap.
        guard rows.map({ $0["counter"] as Int }) != Array(next..<(next + rows.count)) else { return 0 }
        let state = try StateRow.fetch(db)
        try Overlay.remove(db)
        // Remove them all first: the new counters overlap the old ones.
        for row in rows {
            try db.run(sql: "DELETE FROM outbox WHERE counter = ?", arguments: [row["counter"] as Int])
        }
        for row in rows {
            let old = try ChangeSet.decode(canonical: Array(row["change_set"] as Data))
            let fresh = try SignedChangeSet(
                signing: ChangeSet(
                    author: key.publicKey, counter: next, baseSeq: state.appliedSeq, baseHash: state.headHash,
                    time: now,
                    ops: old.ops),
                with: key)
            try db.run(
                sql: """
                    INSERT INTO outbox (counter, id, change_set, signature, created_at, author) VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    next, Data(fresh.id), Data(fresh.bytes), Data(fresh.signature), now.seconds, key.publicKey.hex,
                ])
            next += 1
        }
        return rows.count
    }

    /// Removes a change set refused at the door, records it in the refusals list, and re-signs the later ones with
    /// fresh counters. Returns the door's reason.
    package func dropFromOutbox(idPrefix: String, key: SigningKey, now: UTCTime) throws -> (
        reason: String, resigned: Int
    ) {
        try writer.write { db in
            let matches = try Row.cachedAll(db, sql: "SELECT id, counter, door_refusal FROM outbox")
                .filter { Hex.encode(Array($0["id"] as Data)).hasPrefix(idPrefix.lowercased()) }
            guard matches.count == 1, let row = matches.first else {
                throw Rejection(reason: ReasonCode(matches.isEmpty ? "outbox.unknown" : "outbox.ambiguous"))
            }
            guard let reason: String = row["door_refusal"] else {
                throw Rejection(reason: ReasonCode("outbox.not_refused"))
            }
            try db.run(
                sql: "INSERT OR REPLACE INTO refusals (id, counter, seq, reason, at) VALUES (?, ?, NULL, ?, ?)",
                arguments: [row["id"] as Data, row["counter"] as Int, "dropped: " + reason, now.seconds])
            try Overlay.remove(db)
            try db.run(sql: "DELETE FROM outbox WHERE id = ?", arguments: [row["id"] as Data])
            return (reason, try Self.renumber(db, key: key, now: now))
        }
    }
}
