import CSQLiteSession
import Foundation
import GRDB
import Store
import TestSupport
import Testing

/// A node upgraded with its overlay in place still holds undo entries written by the version before the undo log:
/// inverted changesets of SQLite's session extension. Taking the overlay off must still undo them exactly.
@Suite struct OverlayLegacyUndoTests {
    @Test func anOverlayRecordedAsASessionChangesetIsStillTakenOff() throws {
        var harness = try StoreHarness()
        let property = TestID.uuid(1, kind: 0xB)
        try harness.addProperty(property)
        let sequenced = try harness.store.position()
        func counts() throws -> [Int] {
            try harness.store.writer.read { db in
                try ["bookings", "occupancy"].map { try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? -1 }
            }
        }
        let before = try counts()

        // What the earlier version left: a provisional booking and its unit, recorded by a session, inverted.
        try harness.store.writer.write { db in
            var session: OpaquePointer?
            #expect(sqlite3session_create(db.sqliteConnection, "main", &session) == 0)
            defer { sqlite3session_delete(session) }
            for table in ["bookings", "occupancy"] { #expect(sqlite3session_attach(session, table) == 0) }
            try db.execute(
                sql: """
                    INSERT INTO bookings (id, code, property_id, date, shift, status, source, amount, advance, contact,
                        author, created_seq, updated_seq)
                    VALUES (?, 'HB-LEGACY01', ?, '2026-12-05', 'Day', 'Pending', 'phone', 1000, 250, '[]', 'x', ?, ?)
                    """,
                arguments: [TestID.uuid(9, kind: 1), property, sequenced.appliedSeq + 1, sequenced.appliedSeq + 1])
            try db.execute(
                sql: "INSERT INTO occupancy VALUES (?, '2026-12-05', 0, 'booking', ?)",
                arguments: [property, TestID.uuid(9, kind: 1)])
            var size: Int32 = 0
            var changes: UnsafeMutableRawPointer?
            #expect(sqlite3session_changeset(session, &size, &changes) == 0)
            defer { hutsync_sqlite3_free(changes) }
            var inverseSize: Int32 = 0
            var inverse: UnsafeMutableRawPointer?
            #expect(sqlite3changeset_invert(size, changes, &inverseSize, &inverse) == 0)
            defer { hutsync_sqlite3_free(inverse) }
            let legacy = Data(bytes: try #require(inverse), count: Int(inverseSize))
            #expect(!legacy.starts(with: Array("hutsync-undo".utf8)))
            try db.execute(sql: "INSERT INTO overlay_undo (changeset) VALUES (?)", arguments: [legacy])
            try db.execute(
                sql: "INSERT INTO overlay (id, seq, relay_time) VALUES (1, ?, 0)", arguments: [sequenced.appliedSeq + 1]
            )
        }
        #expect(try counts() == before.map { $0 + 1 })

        // Taking the overlay off (as before every page applied) undoes it, and the state is the sequenced one.
        #expect(try harness.store.recomputeDigest() == sequenced.digest)
        #expect(try counts() == before)
        #expect(
            try harness.store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM overlay_undo") } == 0)
    }

    @Test func aLocalWriteStoresAnUndoLogThatTakesItBack() throws {
        var harness = try StoreHarness()
        let property = TestID.uuid(1, kind: 0xB)
        try harness.addProperty(property)
        let sequenced = try harness.store.position()
        _ = try harness.store.write(
            [Catalogue.book(TestID.uuid(1, kind: 1), property: property, date: "2026-12-05", shift: .fullDay)],
            key: harness.ownerA, now: UTCTime("2026-11-25T06:00:00Z")!)
        let stored = try harness.store.writer.read { db in
            try Data.fetchAll(db, sql: "SELECT changeset FROM overlay_undo")
        }
        #expect(stored.count == 1)
        #expect(stored.allSatisfy { $0.starts(with: Array("hutsync-undo/v1\n".utf8)) })
        #expect(try harness.store.recomputeDigest() == sequenced.digest)
        let left = try harness.store.writer.read { db in
            try ["bookings", "occupancy", "overlay_undo"].map {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? -1
            }
        }
        #expect(left == [0, 0, 0])
    }
}
