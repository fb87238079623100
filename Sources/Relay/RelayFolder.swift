import Foundation
import GRDB
package import Store
import Wire

/// A relay's data folder: `relay.key`, `admin.key` (for the operator to move to an admin node) and `relay.sqlite`.
package struct RelayFolder: Sendable {
    package let path: String
    package var relayKeyPath: String { path + "/relay.key" }
    package var adminKeyPath: String { path + "/admin.key" }
    package var storePath: String { path + "/relay.sqlite" }

    package init(path: String) { self.path = path }

    /// What `relay init` made.
    package struct Created: Sendable {
        package var relayKey: PublicKey
        package var adminKey: PublicKey
        package var genesisHash: [UInt8]
    }

    /// Creates the relay key, the first admin key and the store with the genesis. Refuses a folder that already holds
    /// a relay or a node; on failure removes what it made.
    package func initialize(payee: PaymentAccount?, now: UTCTime) throws -> Created {
        let files = FileManager.default
        for existing in [storePath, relayKeyPath, path + "/node.key", path + "/node.sqlite"]
        where files.fileExists(atPath: existing) {
            throw RelayError("folder.in_use", "\(path) already holds a relay or a node", status: 0)
        }
        try files.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let relay = SigningKey.generate()
        let admin = SigningKey.generate()
        var made: [String] = []
        do {
            try KeyFile.create(relay, path: relayKeyPath)
            made.append(relayKeyPath)
            try KeyFile.create(admin, path: adminKeyPath)
            made.append(adminKeyPath)
            made += [storePath, storePath + "-wal", storePath + "-shm"]
            let genesis = try Self.genesis(relay: relay, admin: admin, payee: payee, now: now)
            let store = try ReplicaStore(path: storePath, queryIndexes: false)
            try store.apply([SequencedEntry(seq: 1, relayTime: now, changeSet: genesis)])
            return Created(relayKey: relay.publicKey, adminKey: admin.publicKey, genesisHash: genesis.id)
        } catch {
            for file in made { try? files.removeItem(atPath: file) }
            throw error
        }
    }

    /// Seq 1: `network.params`, the relay and admin grants, and the platform payee when given.
    static func genesis(relay: SigningKey, admin: SigningKey, payee: PaymentAccount?, now: UTCTime) throws
        -> SignedChangeSet
    {
        var ops: [Wire.Operation] = [
            .networkParams(
                NetworkParams(
                    networkID: UUIDText.random(), rulesVersion: 1, timeZone: "Asia/Karachi", utcOffsetMinutes: 300,
                    codePrefix: "HB")),
            .keyGrant(KeyGrant(publicKey: relay.publicKey.hex, role: "relay", label: "relay")),
            .keyGrant(KeyGrant(publicKey: admin.publicKey.hex, role: "admin", label: "first admin")),
        ]
        if let payee { ops.append(.platformPayee(PlatformPayee(payee: payee))) }
        let changeSet = ChangeSet(
            author: relay.publicKey, counter: 1, baseSeq: 0, baseHash: EntryHash.zero, time: now, ops: ops)
        return try SignedChangeSet(signing: changeSet, with: relay)
    }

    /// The relay's writer keeps this much of the store in its page cache, in KiB (SQLite's default is 2 MiB). Every
    /// entry touches random leaves of the indexes keyed by UUIDs and hashes; with 2 MiB most of them were read again
    /// from the operating system on each batch. A server can afford the memory a node (P7) cannot.
    static let writerCacheKiB = 64 * 1024
    /// The relay's writer checkpoints when the write-ahead log reaches this many pages (64 MiB; the store's default
    /// is 4000). A checkpoint runs on the writer, between two batches, and copies each page once however often the
    /// batches since the last one wrote it: the hot index leaves are copied a quarter as often.
    static let writerCheckpointPages = 16_000

    /// Opens an initialised relay: its key and store.
    package func open() throws -> (key: SigningKey, store: ReplicaStore) {
        guard FileManager.default.fileExists(atPath: storePath) else {
            throw RelayError(
                "folder.empty", "\(path) holds no relay: run `hutsync relay init --data \(path)` first", status: 0)
        }
        let store = try ReplicaStore(path: storePath, queryIndexes: false)
        try store.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = -\(Self.writerCacheKiB)")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.writerCheckpointPages)")
        }
        return (try KeyFile.read(path: relayKeyPath), store)
    }
}
