import Foundation
import GRDB
import Store
import TestSupport
import Testing

/// The store's durability settings as SQLite actually runs them on the connection that commits.
@Suite struct DurabilityTests {
    /// `synchronous` of the writer: 2 is FULL (every commit waits for the disk), 1 NORMAL, 0 OFF. GRDB's pool sets
    /// NORMAL when it turns WAL on, after the configuration's own pragmas ran; a store that left it there would lose
    /// acknowledged entries on a power cut.
    private func synchronous(_ store: ReplicaStore) throws -> Int? {
        try store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
    }

    @Test func theWriterCommitsWithSynchronousFull() throws {
        let directory = TemporaryDirectory()
        let store = try ReplicaStore(path: directory.file("replica.sqlite"))
        #expect(try synchronous(store) == 2)
        #expect(try store.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        try store.close()
        // Reopened (an existing file), the same.
        #expect(try synchronous(ReplicaStore(path: directory.file("replica.sqlite"))) == 2)
    }

    /// `node init` builds its store non-durable in a staging folder; closing it checkpoints everything into the main
    /// file (the write-ahead log is left empty), and the node reopens it durable.
    @Test func aNonDurableStoreIsOffAndClosesIntoItsMainFile() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("replica.sqlite")
        let store = try ReplicaStore(path: path, durable: false)
        #expect(try synchronous(store) == 0)
        try store.setMeta(["relay_url": "https://relay.example"])
        try store.close()
        let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        #expect(wal == 0)
        let reopened = try ReplicaStore(path: path)
        #expect(try synchronous(reopened) == 2)
        #expect(try reopened.meta("relay_url") == "https://relay.example")
    }
}

/// The indexes only a node's views read (`QueryIndexes`): kept by a node's store, absent from the relay's and from a
/// store being built until it is finished.
@Suite struct QueryIndexTests {
    private func indexes(_ store: ReplicaStore) throws -> Set<String> {
        try store.writer.read { db in
            Set(
                try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'bookings'"))
        }
    }

    @Test func aStoreKeepsTheQueryIndexesItWasOpenedFor() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("replica.sqlite")
        let node = try ReplicaStore(path: path)
        #expect(try indexes(node).contains("bookings_by_property_date"))
        let relay = try ReplicaStore(path: path, queryIndexes: false)
        #expect(try !indexes(relay).contains("bookings_by_property_date"))
        #expect(try indexes(relay).contains("bookings_conflicted"))  // apply's own indexes stay
        try relay.createQueryIndexes()
        #expect(try indexes(relay).contains("bookings_by_property_date"))
        // The plan of a node's property view uses it again.
        let plan = try relay.writer.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN SELECT * FROM bookings WHERE property_id = ? AND date BETWEEN ? AND ?",
                arguments: ["p", "2026-01-01", "2026-12-31"]
            ).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("USING INDEX bookings_by_property_date") })
    }
}
