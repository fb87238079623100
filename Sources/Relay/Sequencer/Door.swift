import Foundation
import GRDB
import Store
import Wire

/// What the door decides for one change set, checked inside the batch transaction against the state the previous
/// change set of the batch left.
enum DoorDecision {
    /// Sequence it as the next entry.
    case sequence
    /// Already in the log with the same bytes: answer that entry (pushing is idempotent).
    case existing(seq: Int, outcome: String)
    case refuse(RelayError)
}

/// The relay's door checks, in the order replication.md fixes: signature; an (author, counter) already in the log
/// (idempotent re-push, or `counter.reused`); author unknown or revoked as of the head; counter not last + 1;
/// base not in this log.
enum Door {
    static func check(_ changeSet: SignedChangeSet, signatureValid: Bool, db: Database) throws -> DoorDecision {
        guard signatureValid else {
            return .refuse(RelayError("signature.bad", "the change set's signature does not verify", status: 400))
        }
        let envelope = changeSet.changeSet
        if let row = try Row.cachedOne(
            db, sql: "SELECT seq, id, outcome FROM log WHERE author = ? AND counter = ?",
            arguments: [envelope.author, envelope.counter])
        {
            guard Array(row["id"] as Data) == changeSet.id else {
                return .refuse(
                    RelayError(
                        "counter.reused", "counter \(envelope.counter) of this key is sequenced with other bytes",
                        status: 409))
            }
            return .existing(seq: row["seq"], outcome: row["outcome"])
        }
        if let refusal = try keyRefusal(envelope.author, db: db) { return .refuse(refusal) }
        let last = try lastCounter(envelope.author, db: db)
        guard envelope.counter == last + 1 else {
            return .refuse(
                RelayError(
                    "counter.gap", "counter \(envelope.counter) does not follow \(last)", status: 409,
                    extra: [JSONMember("next_counter", .int(last + 1))]))
        }
        let head = try Int.cachedOne(db, sql: "SELECT applied_seq FROM replica_state") ?? 0
        let baseHash =
            envelope.baseSeq == 0
            ? EntryHash.zero
            : try Data.cachedOne(db, sql: "SELECT hash FROM log WHERE seq = ?", arguments: [envelope.baseSeq]).map(
                Array.init)
        guard envelope.baseSeq <= head, let baseHash, Hex.encode(baseHash) == envelope.baseHash else {
            return .refuse(
                RelayError(
                    "base.mismatch",
                    "base_seq \(envelope.baseSeq) and base_hash are not in this relay's log (head \(head))",
                    status: 409, extra: [JSONMember("head_seq", .int(head))]))
        }
        return .sequence
    }

    /// `auth.unknown_key` or `auth.revoked` (with `revoked_at_seq` and `next_counter`) for a key as of the head.
    static func keyRefusal(_ publicKey: String, db: Database) throws -> RelayError? {
        guard
            let row = try Row.cachedOne(
                db, sql: "SELECT revoked_seq FROM keys WHERE public_key = ?", arguments: [publicKey])
        else { return RelayError("auth.unknown_key", "this key is not enrolled in the network", status: 401) }
        if let revoked = row["revoked_seq"] as Int? {
            return RelayError(
                "auth.revoked", "this key was revoked at seq \(revoked)", status: 401,
                extra: [
                    JSONMember("revoked_at_seq", .int(revoked)),
                    JSONMember("next_counter", .int(try lastCounter(publicKey, db: db) + 1)),
                ])
        }
        return nil
    }

    static func lastCounter(_ publicKey: String, db: Database) throws -> Int {
        try Int.cachedOne(db, sql: "SELECT max(counter) FROM log WHERE author = ?", arguments: [publicKey])
            ?? 0
    }
}
