import Foundation
package import Store
import Wire

#if canImport(Glibc)
    import Glibc
#endif

extension NodeFolder {
    /// `node verify`: the digest recomputed from scratch must equal the stored one.
    package func verify() throws(SyncError) -> ReplicaPosition {
        let (_, store) = try open()
        let position: ReplicaPosition
        let recomputed: [UInt8]
        do {
            position = try store.position()
            recomputed = try store.recomputeDigest()
        } catch {
            throw SyncError(.badInput, "cannot read this node's store: \(error)")
        }
        guard recomputed == position.digest else {
            throw SyncError(
                .integrity,
                "the stored digest differs from the recomputed one: run `hutsync node rebuild` after upgrading")
        }
        return position
    }

    /// `node rebuild`: replays this node's log into a fresh store, keeps the local facts and the outbox, and swaps it
    /// in. Refused while another process has the node open (`FolderLock`): it would keep using the replaced store.
    package func rebuild() throws(SyncError) -> ReplicaPosition {
        try requireNode()
        return try FolderLock.exclusively(path) { () throws(SyncError) -> ReplicaPosition in try replaceStore() }
    }

    private func replaceStore() throws(SyncError) -> ReplicaPosition {
        let (_, store) = try open()
        let fresh = storePath + ".rebuild"
        let files = FileManager.default
        try? files.removeItem(atPath: fresh)
        do {
            // Built alone and moved into place only once it is closed and on disk (`building`).
            let rebuilt = try ReplicaStore.building(path: fresh)
            var after = 0
            // 4,000 entries a transaction: random index leaves are written once for more entries (a replay of 100k
            // took 9.6 s instead of 11.3 s, for 6 MiB more memory than 1,000 a transaction).
            while case let entries = try store.entries(after: after, limit: 4000), let last = entries.last {
                try rebuilt.apply(entries)
                after = last.seq
            }
            try rebuilt.finishBuild()
            try rebuilt.copyLocalState(from: storePath)
            let position = try rebuilt.position()
            try rebuilt.close()
            try store.close()
            // Both databases are closed and checkpointed. rename(2) replaces the old file atomically: the node has
            // either its old store or the rebuilt one, never neither.
            guard rename(fresh, storePath) == 0 else {
                throw SyncError(.badInput, "cannot replace \(storePath): \(String(cString: strerror(errno)))")
            }
            for leftover in [storePath + "-wal", storePath + "-shm", fresh + "-wal", fresh + "-shm"] {
                try? files.removeItem(atPath: leftover)
            }
            return position
        } catch let error as SyncError {
            try? files.removeItem(atPath: fresh)
            throw error
        } catch let error as StoreError {
            try? files.removeItem(atPath: fresh)
            throw SyncError(.integrity, "the log does not replay: \(error.message)")
        } catch {
            try? files.removeItem(atPath: fresh)
            throw SyncError(.badInput, "cannot rebuild: \(error)")
        }
    }
}
