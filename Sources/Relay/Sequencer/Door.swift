import Foundation
package import GRDB
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
    static func check(_ changeSet: SignedChangeSet, signatureValid: Bool, batch: inout BatchView, db: Database) throws
        -> DoorDecision
    {
        guard signatureValid else {
            return .refuse(RelayError("signature.bad", "the change set's signature does not verify", status: 400))
        }
        let envelope = changeSet.changeSet
        let last = try batch.lastCounter(envelope.author, db: db)
        // An author's counters are sequenced one after the other, so only a counter up to the last can be in the log.
        if envelope.counter <= last,
            let row = try Row.cachedOne(
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
        if let refusal = try batch.keyRefusal(envelope.author, db: db) { return .refuse(refusal) }
        guard envelope.counter == last + 1 else {
            return .refuse(
                RelayError(
                    "counter.gap", "counter \(envelope.counter) does not follow \(last)", status: 409,
                    extra: [JSONMember("next_counter", .int(last + 1))]))
        }
        let head = batch.head
        let baseHash = envelope.baseSeq == 0 ? EntryHash.zero : try batch.hash(at: envelope.baseSeq, db: db)
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

/// What the door and the sequencer read over and over within one batch transaction, remembered for that
/// transaction: the head and its relay time, each author's last counter, each key's refusal, the hashes of base
/// entries. Every value is read inside the transaction and kept up to date as change sets are sequenced
/// (``sequenced(_:seq:relayTime:)``), so each check still sees the state the previous change set of the batch left;
/// it is dropped with the transaction.
package struct BatchView {
    /// `applied_seq` of `replica_state`.
    package private(set) var head: Int
    /// `relay_time` of `replica_state`: the relay time of the head entry.
    private(set) var relayTime: Int
    private var counters: [String: Int] = [:]
    private var keyRefusals: [String: RelayError?] = [:]
    private var hashes: [Int: [UInt8]] = [:]

    /// Reads the head inside the batch transaction.
    package init(db: Database) throws {
        guard let row = try Row.cachedOne(db, sql: "SELECT applied_seq, relay_time FROM replica_state") else {
            throw RelayError.unavailable("replica_state is missing")
        }
        head = row["applied_seq"]
        relayTime = row["relay_time"]
    }

    mutating func lastCounter(_ author: String, db: Database) throws -> Int {
        if let counter = counters[author] { return counter }
        let counter = try Door.lastCounter(author, db: db)
        counters[author] = counter
        return counter
    }

    mutating func keyRefusal(_ author: String, db: Database) throws -> RelayError? {
        if let refusal = keyRefusals[author] { return refusal }
        let refusal = try Door.keyRefusal(author, db: db)
        keyRefusals[author] = refusal
        return refusal
    }

    /// The hash of entry `seq`, or nil when it is not in the log (yet). Entries never change once written, so only
    /// found hashes are remembered.
    package mutating func hash(at seq: Int, db: Database) throws -> [UInt8]? {
        if let hash = hashes[seq] { return hash }
        let hash = try Data.cachedOne(db, sql: "SELECT hash FROM log WHERE seq = ?", arguments: [seq]).map(Array.init)
        if let hash { hashes[seq] = hash }
        return hash
    }

    /// Records an entry just applied: the new head, its author's counter, and — when it carries a key operation
    /// (`key.grant`, `key.revoke`, the only ones that write the key registry) — forgets every key's refusal.
    mutating func sequenced(_ changeSet: SignedChangeSet, seq: Int, relayTime: Int) {
        head = seq
        self.relayTime = relayTime
        counters[changeSet.changeSet.author] = changeSet.changeSet.counter
        if changeSet.changeSet.ops.contains(where: { $0.name.hasPrefix("key.") }) { keyRefusals.removeAll() }
    }
}
