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
}
