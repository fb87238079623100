import CSQLiteSession
import Foundation
import GRDB
import Wire

/// A node's local view, kept applied: the pending change sets applied on the state tables at provisional positions
/// after the sequenced state, with SQLite's session extension recording each application's inverse, so that the
/// overlay can be removed exactly before sequenced entries are applied.
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
    /// The tables an operation may write: the digested ones and the derived occupancy.
    static let tables = Migrations.digestedTables + ["occupancy"]

    /// `tables` as the NULL-terminated C array the session's table filter reads; allocated once, never freed.
    private static let tableNames = CStringList(tables)

    static func isApplied(_ db: Database) throws -> Bool {
        try Int.cachedOne(db, sql: "SELECT 1 FROM overlay") != nil
    }

    /// Puts the state tables back to the sequenced state. A no-op when the overlay is not applied.
    static func remove(_ db: Database) throws {
        guard try isApplied(db) else { return }
        for undo in try Data.cachedAll(db, sql: "SELECT changeset FROM overlay_undo ORDER BY n DESC") {
            try apply(changeset: undo, db)
        }
        try db.run(sql: "DELETE FROM overlay_undo")
        try db.run(sql: "DELETE FROM overlay")
    }

    /// Applies every pending change set when the overlay is not applied.
    static func ensure(_ db: Database) throws {
        guard try !isApplied(db) else { return }
        let state = try StateRow.fetch(db)
        var position = Position(seq: state.appliedSeq, relayTime: state.relayTime)
        let pending = try ReplicaStore.pending(db)
        try recordingUndo(db) {
            for changeSet in pending { _ = try applyProvisionally(changeSet, at: &position, db) }
        }
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
        var outcome = Outcome.applied
        try recordingUndo(db) { outcome = try applyProvisionally(changeSet, at: &position, db) }
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
        throws -> Outcome
    {
        position.seq += 1
        position.relayTime = max(position.relayTime, UTCTime(changeSet.changeSet.time)?.seconds ?? 0)
        let entry = SequencedEntry(
            seq: position.seq, relayTime: UTCTime(seconds: position.relayTime), changeSet: changeSet)
        return try Applier.applyOperations(entry, digest: DigestSum(), in: db).0
    }

    /// Runs `body` with a session recording changes to the state tables, and stores the inverse as the newest undo.
    private static func recordingUndo(_ db: Database, _ body: () throws -> Void) throws {
        var session: OpaquePointer?
        guard sqlite3session_create(db.sqliteConnection, "main", &session) == 0, let session else {
            throw StoreError(.database, "cannot start recording the overlay")
        }
        defer { sqlite3session_delete(session) }
        // Every table, filtered to the state tables: attaching each of them by name made the session read all their
        // schemas (a statement compiled per table) on every local write, where a write changes one or two.
        sqlite3session_table_filter(session, hutsync_session_filter, tableNames.pointer)
        guard sqlite3session_attach(session, nil) == 0 else {
            throw StoreError(.database, "cannot record changes to the state tables")
        }
        try body()
        var size: Int32 = 0
        var changes: UnsafeMutableRawPointer?
        guard sqlite3session_changeset(session, &size, &changes) == 0 else {
            throw StoreError(.database, "cannot read the overlay's changes")
        }
        defer { hutsync_sqlite3_free(changes) }
        guard size > 0, let changes else { return }
        var inverseSize: Int32 = 0
        var inverse: UnsafeMutableRawPointer?
        guard sqlite3changeset_invert(size, changes, &inverseSize, &inverse) == 0, let inverse else {
            throw StoreError(.database, "cannot invert the overlay's changes")
        }
        defer { hutsync_sqlite3_free(inverse) }
        try db.run(
            sql: "INSERT INTO overlay_undo (changeset) VALUES (?)",
            arguments: [Data(bytes: inverse, count: Int(inverseSize))])
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

/// A NULL-terminated array of C strings that lives as long as the process.
private final class CStringList: Sendable {
    nonisolated(unsafe) let pointer: UnsafeMutableRawPointer

    init(_ strings: [String]) {
        let array = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() { array[index] = UnsafePointer(strdup(string)) }
        array[strings.count] = nil
        pointer = UnsafeMutableRawPointer(array)
    }
}
