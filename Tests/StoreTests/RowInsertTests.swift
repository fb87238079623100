import GRDB
import Store
import TestSupport
import Testing
import Wire

/// A booking's digest contribution is computed from the values apply binds (`RowInsert`), not read back: it must be
/// exactly the contribution of the row as SQLite stored it.
@Suite struct RowInsertTests {
    /// The columns a `RowInsert` names exist with the declared types, and every other column of the table starts
    /// NULL (no default, not generated) — so the values bound are the whole row.
    @Test func theBookingInsertNamesEveryColumnThatIsNotNull() throws {
        let directory = TemporaryDirectory()
        let store = try ReplicaStore(path: directory.file("replica.sqlite"))
        let insert = RowInsert.booking
        let columns = try store.writer.read { db in
            try Row.fetchAll(db, sql: "PRAGMA table_xinfo(\(insert.table))").map { row in
                (
                    name: row["name"] as String, type: row["type"] as String,
                    defaultValue: row["dflt_value"] as String?,
                    hidden: row["hidden"] as Int
                )
            }
        }
        #expect(columns.count > insert.columns.count)  // some columns are set only by later operations
        for column in insert.columns {
            #expect(
                columns.contains { $0.name == column.name && $0.type == column.type.rawValue },
                "\(column.name) \(column.type.rawValue)")
        }
        for column in columns where !insert.columns.contains(where: { $0.name == column.name }) {
            #expect(column.defaultValue == nil && column.hidden == 0, "\(column.name) does not start NULL")
        }
    }

    /// Values with NULLs, non-ASCII text, empty text and negative or large integers: the computed contribution is
    /// the one read back from the stored row; a value of another kind than its column makes it decline.
    @Test func theComputedContributionIsTheStoredRows() throws {
        let directory = TemporaryDirectory()
        let store = try ReplicaStore(path: directory.file("replica.sqlite"))
        let insert = RowInsert.booking
        let rows: [SQLArguments] = [
            [
                TestID.uuid(1, kind: 1), "HB-7Q2K", TestID.uuid(2, kind: 0xB), "2026-12-05", "Day", "Pending",
                "walk_in", 5000, 0, nil, nil, nil, nil, nil, nil, "{}", nil, nil, "ab", 3, 3,
            ],
            [
                TestID.uuid(3, kind: 1), "HB-ÄÖ☃", TestID.uuid(2, kind: 0xB), "2026-12-06", "Full Night",
                "Conflicted", "whatsapp", Int(Int32.max) * 4, -1, "easypaisa", "0300\u{0}9", "Ä \"title\"", 12, "123",
                String(repeating: "c", count: 64), #"{"copies":[]}"#, 1_800_000_000, #"["HB-1"]"#, "", 9, 10,
            ],
        ]
        for values in rows {
            let contribution = try #require(insert.contribution(of: values))
            let stored = try store.writer.write { db in
                try db.step(sql: insert.sql, arguments: values)
                var hashes: [[UInt8]] = []
                try RowEncoding.forEachEncoding(
                    db, table: insert.table, sql: "SELECT * FROM bookings WHERE id = ?", arguments: [values[0]]
                ) { hashes.append(Sodium.blake2b256($0)) }
                return hashes
            }
            #expect(stored == [contribution])
        }
        var mismatched = rows[0]
        mismatched[7] = "5000"  // text for the INTEGER amount: SQLite would convert it, so no computed contribution
        #expect(insert.contribution(of: mismatched) == nil)
    }

    /// A text with a NUL, sequenced, then taken off and put back by the overlay (a pending cancel of the booking):
    /// the stored row, the incremental digest and one recomputed from the rows agree throughout.
    @Test func aTextWithANulSurvivesTheOverlaysUndo() throws {
        var harness = try StoreHarness()
        let property = TestID.uuid(1, kind: 0xB)
        try harness.addProperty(property)
        let booking = TestID.uuid(1, kind: 1)
        var create = BookingCreate(
            bookingID: booking, propertyID: property, date: "2026-12-05", shift: Shift.day.name, status: "Pending",
            source: "phone", amount: 20000, advance: 5000, phoneMask: "567", customerRef: nil, contact: [])
        create.payee = PaymentAccount(method: "easypaisa", account: "03001234567", title: "A\u{0}B")
        #expect(try harness.apply([.bookingCreate(create)], by: harness.ownerA) == .applied)
        let store = harness.store
        let title = {
            try store.writer.read { db in try String.fetchOne(db, sql: "SELECT hex(payee_title) FROM bookings") }
        }
        #expect(try title() == "41")
        #expect(try store.recomputeDigest() == store.position().digest)
        _ = try store.write(
            [.bookingCancel(BookingCancel(bookingID: booking, reason: "no"))], key: harness.ownerA,
            now: UTCTime("2026-11-25T06:00:00Z")!)
        #expect(try harness.status(booking) == "Cancelled")  // the local view
        #expect(try store.recomputeDigest() == store.position().digest)  // the overlay taken off
        #expect(try title() == "41")
    }
}
