import Foundation
import GRDB
import Wire

/// The apply function: (store in a transaction, sequenced entry) → outcome. It reads nothing but the database it is
/// given and the entry — no clock, randomness or configuration — so every replica computes the same state.
///
/// Signatures are checked before apply (by the relay's door and the node's sync client, in parallel); apply checks
/// the registry, the log's continuity and every domain rule.
enum Applier {
    static func apply(_ entry: SequencedEntry, in db: Database) throws -> AppliedEntry {
        var state = try StateRow.fetch(db)
        var counters = LastCounters()
        let applied = try apply(entry, state: &state, counters: &counters, in: db)
        try state.save(db)
        return applied
    }

    /// Applies one entry of a batch whose `replica_state` row the caller keeps in `state` and saves after the last
    /// one (one read and one write of the row per batch, not per entry). Nothing in apply reads that row.
    /// `counters` remembers each author's last counter for the batch.
    static func apply(_ entry: SequencedEntry, state: inout StateRow, counters: inout LastCounters, in db: Database)
        throws -> AppliedEntry
    {
        try checkContinuity(entry, state: state, counters: &counters, db: db)
        let (outcome, digest) = try applyOperations(entry, digest: state.digestSum, in: db)
        let hash = EntryHash.compute(
            seq: entry.seq, previous: state.headHash, relayTime: entry.relayTime, changeSetID: entry.changeSet.id,
            outcome: outcome, digest: digest.digest)
        try recordLog(entry, outcome: outcome, digest: digest.digest, hash: hash, db: db)
        state = StateRow(appliedSeq: entry.seq, headHash: hash, digestSum: digest, relayTime: entry.relayTime.seconds)
        return AppliedEntry(seq: entry.seq, id: entry.changeSet.id, outcome: outcome, digest: digest.digest, hash: hash)
    }

    /// The entry's operations on the state tables, atomically (a savepoint rolled back when one is rejected): its
    /// outcome and the digest after it. Nothing about the log itself — a node's overlay applies pending change sets
    /// this way, at provisional positions.
    static func applyOperations(_ entry: SequencedEntry, digest: DigestSum, in db: Database) throws -> (
        Outcome, DigestSum
    ) {
        let (outcome, digest, _) = try applyOperations(entry, digest: digest, recordingUndo: false, in: db)
        return (outcome, digest)
    }

    /// The same, with what undoes the entry's writes when `recordingUndo` (empty when it was rejected: nothing
    /// stays to undo).
    static func applyOperations(_ entry: SequencedEntry, digest: DigestSum, recordingUndo: Bool, in db: Database)
        throws -> (Outcome, DigestSum, UndoLog?)
    {
        var context = ApplyContext(db: db, entry: entry, digest: digest, recordingUndo: recordingUndo)
        // A savepoint stepped straight from the statement cache, like apply's other statements (GRDB's `inSavepoint`
        // compiles its statements every time, and its bookkeeping of savepoints serves the change events of
        // statements it runs, which apply's are not). It is always closed before this returns.
        try db.step(sql: "SAVEPOINT apply")
        do {
            if entry.seq == 1 {
                try context.applyGenesis()
            } else {
                try context.applyAll(entry.changeSet.changeSet.ops)
            }
        } catch let rejection as Rejection {
            try db.step(sql: "ROLLBACK TO apply")
            try db.step(sql: "RELEASE apply")
            return (.rejected(rejection), digest, recordingUndo ? UndoLog() : nil)
        } catch {
            // Not a domain refusal: the caller's transaction fails with the original error.
            try? db.step(sql: "ROLLBACK TO apply")
            try? db.step(sql: "RELEASE apply")
            throw error
        }
        try db.step(sql: "RELEASE apply")
        return (context.conflicted ? .conflicted : .applied, context.digest, context.undo)
    }

    /// What a correct relay always gives: the next sequence, a relay time that does not go back, the author's next
    /// counter, and a base no newer than the previous entry.
    private static func checkContinuity(
        _ entry: SequencedEntry, state: StateRow, counters: inout LastCounters, db: Database
    ) throws {
        let changeSet = entry.changeSet.changeSet
        guard entry.seq == state.appliedSeq + 1 else {
            throw StoreError(.integrity, "entry \(entry.seq) does not follow \(state.appliedSeq)")
        }
        guard entry.relayTime.seconds >= state.relayTime else {
            throw StoreError(.integrity, "entry \(entry.seq): relay time goes back")
        }
        guard changeSet.baseSeq < entry.seq else {
            throw StoreError(.integrity, "entry \(entry.seq): base_seq \(changeSet.baseSeq) is not before it")
        }
        let last = try counters.last(of: changeSet.author, db)
        guard changeSet.counter == last + 1 else {
            throw StoreError(.integrity, "entry \(entry.seq): counter \(changeSet.counter) does not follow \(last)")
        }
        // Every entry goes into the log, whatever its outcome (or the batch fails as a whole).
        counters.record(changeSet.counter, of: changeSet.author)
    }

    private static func recordLog(
        _ entry: SequencedEntry, outcome: Outcome, digest: [UInt8], hash: [UInt8], db: Database
    ) throws {
        let changeSet = entry.changeSet.changeSet
        let outcomeText = outcome.canonicalText
        try db.step(
            sql: """
                INSERT INTO log (seq, id, author, counter, relay_time, change_set, signature, outcome, digest, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                entry.seq, entry.changeSet.id, changeSet.author, changeSet.counter, entry.relayTime.seconds,
                entry.changeSet.bytes, entry.changeSet.signature, outcomeText, digest, hash,
            ])
    }
}

/// Each author's last counter in the log, as a batch applies it: read from the log once per author and batch, then
/// kept up to date (a page of a thousand entries by a few authors asks the log a few times, not a thousand).
struct LastCounters {
    private var known: [String: Int] = [:]

    mutating func last(of author: String, _ db: Database) throws -> Int {
        if let counter = known[author] { return counter }
        let counter =
            try db.firstValue(Int.self, sql: "SELECT max(counter) FROM log WHERE author = ?", arguments: [author]) ?? 0
        known[author] = counter
        return counter
    }

    mutating func record(_ counter: Int, of author: String) { known[author] = counter }
}

/// The one row of `replica_state`.
struct StateRow {
    var appliedSeq: Int
    var headHash: [UInt8]
    var digestSum: DigestSum
    var relayTime: Int

    static func fetch(_ db: Database) throws -> StateRow {
        guard let row = try Row.cachedOne(db, sql: "SELECT * FROM replica_state WHERE id = 1") else {
            throw StoreError(.database, "replica_state is missing")
        }
        let hash: Data = row["head_hash"]
        let sum: Data = row["digest_sum"]
        return StateRow(
            appliedSeq: row["applied_seq"], headHash: Array(hash), digestSum: DigestSum(bytes: Array(sum)),
            relayTime: row["relay_time"])
    }

    func save(_ db: Database) throws {
        try db.run(
            sql: "UPDATE replica_state SET applied_seq = ?, head_hash = ?, digest_sum = ?, relay_time = ? WHERE id = 1",
            arguments: [appliedSeq, Data(headHash), Data(digestSum.bytes), relayTime])
    }
}
