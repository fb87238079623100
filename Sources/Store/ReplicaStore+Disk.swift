import CSQLiteSession
import Foundation
import GRDB

extension ReplicaStore {
    /// Closes the database so that its main file alone holds everything, on disk, before it is moved or replaced: a
    /// store being built (``building(path:)``) becomes a WAL database as every store is, the write-ahead log is
    /// checkpointed into the main file and truncated, and the main file is synced (a store that is not durable
    /// committed without waiting for the disk).
    package func close() throws {
        let path = writer.path
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal" {
                try db.run(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            } else {
                // Committed into the main file already: nothing to checkpoint.
                guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
                    throw StoreError(.database, "\(path) could not be turned into a WAL database")
                }
            }
        }
        try writer.close()
        do {
            let file = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? file.close() }
            try file.synchronize()
        } catch {
            throw StoreError(.database, "cannot sync \(path): \(error.localizedDescription)")
        }
    }

    /// Asks the kernel to start writing the store's main file to disk now, without waiting: for a store being built,
    /// which commits without waiting for the disk, once its log is in. Its work to the end (the query indexes) then
    /// overlaps those writes, and the fsync of ``close()`` finds less to wait for (in a catch-up of 101k entries, that
    /// fsync went from about 95 ms to 6 ms). Only a hint: false when the kernel did not take it, which changes nothing.
    @discardableResult
    package func startWritingToDisk() -> Bool {
        guard let file = FileHandle(forReadingAtPath: writer.path) else { return false }
        defer { try? file.close() }
        return hutsync_start_writeback(file.fileDescriptor) == 0
    }

    /// What a build does once its log is in: starts the main file's writes to disk, then creates the query indexes
    /// while they go on (`node init` and `node rebuild` alike).
    package func finishBuild() throws {
        startWritingToDisk()
        try createQueryIndexes()
    }
}
