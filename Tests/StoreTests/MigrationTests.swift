import Foundation
import GRDB
import Store
import TestSupport
import Testing

/// Migrations that move data: a store written by the previous version keeps everything and reads it the new way.
@Suite struct MigrationTests {
    /// v10 rebuilds the log without its index on change-set ids and gives the outbox its author: a store at v9 with
    /// a log entry and two outbox rows (one of them sequenced) keeps every row, and settling finds the sequenced one
    /// by (author, counter, id).
    @Test func v10KeepsTheLogAndTheOutboxAndSettlingStillMatches() throws {
        let directory = TemporaryDirectory()
        let pool = try DatabasePool(path: directory.file("replica.sqlite"))
        try Migrations.migrator.migrate(pool, upTo: "v9-counters-from-log")
        let author = String(repeating: "ab", count: 32)
        func changeSet(_ counter: Int) -> Data {
            Data(#"{"author":"\#(author)","counter":\#(counter),"ops":[],"v":1}"#.utf8)
        }
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO log (seq, id, author, counter, relay_time, change_set, signature, outcome, digest, hash)
                    VALUES (7, x'01', ?, 1, 100, ?, x'00', '{"status":"applied"}', x'00', x'00')
                    """,
                arguments: [author, changeSet(1)])
            for counter in 1...2 {
                try db.execute(
                    sql:
                        "INSERT INTO outbox (counter, id, change_set, signature, created_at) VALUES (?, ?, ?, x'00', 0)",
                    arguments: [counter, Data([UInt8(counter)]), changeSet(counter)])
            }
        }
        try Migrations.migrator.migrate(pool)

        try pool.read { db in
            #expect(
                try Int.fetchOne(db, sql: "SELECT seq FROM log WHERE author = ? AND counter = 1", arguments: [author])
                    == 7)
            #expect(try String.fetchAll(db, sql: "SELECT author FROM outbox ORDER BY counter") == [author, author])
            // Only the (author, counter) index remains on the log.
            let indexes = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'log'")
            #expect(indexes.count == 1)
            let settled = try Row.fetchAll(db, sql: ReplicaStore.settledSQL)
            #expect(settled.map { $0["counter"] as Int } == [1])
            #expect(settled.map { $0["seq"] as Int } == [7])
        }
        // Counters stay unique per author.
        #expect(throws: DatabaseError.self) {
            try pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO log (seq, id, author, counter, relay_time, change_set, signature, outcome, digest,
                            hash)
                        VALUES (8, x'02', ?, 1, 100, x'00', x'00', '{}', x'00', x'00')
                        """,
                    arguments: [author])
            }
        }
    }

    /// v11 rebuilds `bookings` and `keys` with their CHECK constraints written with `OR`: every row keeps its values,
    /// its column order and its rowid, the indexes come back (the query index too, where there was one), and the
    /// constraints still refuse what they refused.
    @Test func v11KeepsBookingsAndKeysAndTheirConstraints() throws {
        let directory = TemporaryDirectory()
        let pool = try DatabasePool(path: directory.file("replica.sqlite"))
        try Migrations.migrator.migrate(pool, upTo: "v10-log-without-id-index")
        let booking = """
            INSERT INTO bookings (rowid, id, code, property_id, date, shift, status, source, amount, advance, contact,
                author, created_seq, updated_seq, actor)
            VALUES (?, ?, ?, 'p', '2026-12-05', 'Day', ?, 'phone', 100, 10, '[]', 'a', 2, 3, 'x')
            """
        try pool.write { db in
            try db.execute(sql: booking, arguments: [41, "b1", "HB-1", "Conflicted"])
            try db.execute(sql: booking, arguments: [7, "b2", "HB-2", "Pending"])
            try db.execute(
                sql: "INSERT INTO keys (rowid, public_key, role, granted_seq) VALUES (9, 'k', 'reviewer', 4)")
        }
        func rows(_ table: String) throws -> [[DatabaseValue]] {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT rowid, * FROM \(table) ORDER BY rowid").map {
                    Array($0.databaseValues)
                }
            }
        }
        func columns(_ table: String) throws -> [String] {
            try pool.read { db in try db.columns(in: table).map(\.name) }
        }
        let before = (try rows("bookings"), try rows("keys"), try columns("bookings"), try columns("keys"))
        try Migrations.migrator.migrate(pool)

        #expect(try rows("bookings") == before.0)
        #expect(try rows("keys") == before.1)
        #expect(try columns("bookings") == before.2)
        #expect(try columns("keys") == before.3)
        let indexes = try pool.read { db in
            try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        }
        #expect(indexes.isSuperset(of: ["bookings_conflicted", "bookings_by_property_date", "keys_by_owner"]))
        #expect(
            try pool.read { db in
                try String.fetchAll(
                    db, sql: "SELECT id FROM bookings INDEXED BY bookings_conflicted WHERE status = 'Conflicted'")
            } == ["b1"])
        for (sql, arguments) in [
            (booking, StatementArguments([50, "b3", "HB-3", "Lost"])),
            ("INSERT INTO keys (public_key, role, granted_seq) VALUES ('k2', 'guest', 5)", StatementArguments()),
            ("UPDATE bookings SET source = 'email' WHERE id = 'b2'", StatementArguments()),
        ] {
            #expect(throws: DatabaseError.self) {
                try pool.write { db in try db.execute(sql: sql, arguments: arguments) }
            }
        }
        #expect(try rows("bookings") == before.0)
    }
}
