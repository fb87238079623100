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
