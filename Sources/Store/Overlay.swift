import CSQLiteSession
import Foundation
import GRDB
import Wire

/// A node's local view, kept applied: the pending change sets applied on the state tables at provisional positions
/// after the sequenced state, with apply recording each application's ``UndoLog``, so that the overlay can be removed
/// exactly before sequenced entries are applied.
///
/// Invariant: when `overlay` has its row, the state tables hold the sequenced state (which `replica_state` and `log`
/// always describe) plus every pending change set applied in counter order, and applying
/// `overlay_undo` newest first gives back the sequenced state; without the row, the state tables hold the sequenced
/// state and `overlay_undo` is empty. A local write costs one change set's application (not the whole outbox's);
/// reads of the local view are plain reads.
///
/// Whatever changes what is pending other than by appending (a door refusal, a renumbering, a drop) and whatever
/// applies sequenced entries removes the overlay; it is put back lazily by the next local write or read, and at the
/// end of a sync.
enum Overlay {
    static func isApplied(_ db: Database) throws -> Bool {
        try Int.cachedOne(db, sql: "SELECT 1 FROM overlay") != nil
    }

    /// Puts the state tables back to the sequenced state. A no-op when the overlay is not applied.
    static func remove(_ db: Database) throws {
        guard try isApplied(db) else { return }
        for stored in try Data.cachedAll(db, sql: "SELECT changeset FROM overlay_undo ORDER BY n DESC") {
            try undo(stored, db)
        }
        try db.run(sql: "DELETE FROM overlay_undo")
        try db.run(sql: "DELETE FROM overlay")
    }

    /// Applies every pending change set when the overlay is not applied.
    static func ensure(_ db: Database) throws {
        guard try !isApplied(db) else { return }
        let state = try StateRow.fetch(db)
        var position = Position(seq: state.appliedSeq, relayTime: state.relayTime)
        var undo = UndoLog()
        for changeSet in try ReplicaStore.pending(db) {
            undo.steps += try applyProvisionally(changeSet, at: &position, db).undo.steps
        }
        try store(undo, db)
        try db.run(
            sql: "INSERT INTO overlay (id, seq, relay_time) VALUES (1, ?, ?)",
            arguments: [position.seq, position.relayTime])
    }

    /// Applies one more change set on the local view (putting the overlay in place first if needed); its
    /// provisional outcome. The caller's transaction decides whether it stays.
    static func append(_ changeSet: SignedChangeSet, _ db: Database) throws -> Outcome {
        try ensure(db)
        guard let row = try Row.cachedOne(db, sql: "SELECT seq, relay_time FROM overlay") else {
            throw StoreError(.database, "the overlay is missing")
        }
        var position = Position(seq: row["seq"], relayTime: row["relay_time"])
        let (outcome, undo) = try applyProvisionally(changeSet, at: &position, db)
        try store(undo, db)
        try db.run(
            sql: "UPDATE overlay SET seq = ?, relay_time = ?", arguments: [position.seq, position.relayTime])
        return outcome
    }

    /// Where the next provisional entry goes: after the last one, at a relay time that does not go back.
    struct Position {
        var seq: Int
        var relayTime: Int
    }

    /// A pending change set's operations at the next provisional position, its own time standing in for the relay's.
    private static func applyProvisionally(_ changeSet: SignedChangeSet, at position: inout Position, _ db: Database)
        throws -> (outcome: Outcome, undo: UndoLog)
    {
        position.seq += 1
        position.relayTime = max(position.relayTime, UTCTime(changeSet.changeSet.time)?.seconds ?? 0)
        let entry = SequencedEntry(
            seq: position.seq, relayTime: UTCTime(seconds: position.relayTime), changeSet: changeSet)
        let (outcome, _, undo) = try Applier.applyOperations(
            entry, digest: DigestSum(), recordingUndo: true, in: db)
        return (outcome, undo ?? UndoLog())
    }

    /// Stores what undoes one application of pending change sets, as the newest undo.
    private static func store(_ undo: UndoLog, _ db: Database) throws {
        guard !undo.steps.isEmpty else { return }
        try db.run(sql: "INSERT INTO overlay_undo (changeset) VALUES (?)", arguments: [try undo.encoded()])
    }

    /// Undoes one stored application: an undo log, or (written by an earlier version) an inverted session
    /// changeset.
    private static func undo(_ stored: Data, _ db: Database) throws {
        if let undo = try UndoLog.decode(stored) {
            try undo.undo(db)
        } else {
            try apply(changeset: stored, db)
        }
    }

    private static func apply(changeset: Data, _ db: Database) throws {
        var bytes = changeset
        let code = bytes.withUnsafeMutableBytes { buffer in
            sqlite3changeset_apply(
                db.sqliteConnection, Int32(buffer.count), buffer.baseAddress, nil, hutsync_changeset_abort, nil)
        }
        guard code == 0 else {
            throw StoreError(
                .integrity,
                "this node's provisional changes could not be undone (SQLite \(code)): run `hutsync node rebuild`")
        }
    }
}
