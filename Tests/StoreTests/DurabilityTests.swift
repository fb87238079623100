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

/// A store being built (`ReplicaStore.building`, `node init`'s staging store and `node rebuild`'s fresh one): no
/// write-ahead log while it is built, a WAL database on disk once closed.
@Suite struct BuildingStoreTests {
    @Test func aStoreBeingBuiltCommitsIntoItsMainFileAndClosesIntoAWALDatabase() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("replica.sqlite")
        let store = try ReplicaStore.building(path: path)
        let (journal, synchronous) = try store.writer.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(journal == "memory")
        #expect(synchronous == 0)
        var log = LogBuilder()
        try store.apply([log.genesis()])
        try store.apply([log.entry([Catalogue.owner(TestID.uuid(1, kind: 0xA))], by: log.admin)])
        // Committed straight into the main file: no log beside it.
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let indexes = try store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        #expect(!indexes.contains("bookings_by_property_date"))
        let position = try store.position()
        #if os(Linux)
            #expect(store.startWritingToDisk())  // the kernel takes the hint
        #endif
        try store.close()

        // Closed: a WAL database (the header's read and write versions are 2), alone in its folder.
        let header = try #require(FileHandle(forReadingAtPath: path)).readData(ofLength: 20)
        #expect(Array(header[18..<20]) == [2, 2])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["replica.sqlite"])
        let reopened = try ReplicaStore(path: path)
        #expect(try reopened.position() == position)
        #expect(try reopened.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
    }

    /// The sync client looks up entry hashes while a page is applied. A store being built has one connection, so
    /// the lookup reads inside the write (a separate read there would stop the process: not reentrant); so does a
    /// node's store, and both see the entries of the transaction so far.
    @Test(arguments: [false, true])
    func entryHashesAreReadInsideTheWriteThatAppliesThem(building: Bool) throws {
        let directory = TemporaryDirectory()
        let path = directory.file("replica.sqlite")
        let store = building ? try ReplicaStore.building(path: path) : try ReplicaStore(path: path)
        var log = LogBuilder()
        try store.apply([log.genesis()])
        let entries = (1...3).map { log.entry([Catalogue.owner(TestID.uuid($0, kind: 0xA))], by: log.admin) }
        var seen: [[UInt8]?] = []
        try store.apply(entries) { entry, applied in
            #expect(try store.hash(at: entry.seq) == applied.hash)
            seen.append(try store.hash(at: entry.seq - 1))
        }
        #expect(seen.count == 3 && seen.allSatisfy { $0?.count == 32 })
        #expect(try store.hash(at: 5) == nil)
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
