package import Foundation
package import Store
package import Wire

/// A node's data folder: `node.key` (0600), `node.sqlite` (the full replica, plus local facts: the relay URL, the
/// genesis hash, the last sync) and `node.lock` (which processes have the node open: `FolderLock`).
package struct NodeFolder: Sendable {
    package let path: String
    package var keyPath: String { path + "/node.key" }
    package var storePath: String { path + "/node.sqlite" }

    /// The key and store kept open by a long-running user (`node serve`, the benchmarks); nil for a command, which
    /// opens them per call.
    private var opened: (key: SigningKey, store: ReplicaStore)?

    package init(path: String) { self.path = path }

    /// This folder with its key and store opened once and reused by every call.
    package func keptOpen() throws(SyncError) -> NodeFolder {
        var folder = self
        folder.opened = try open()
        return folder
    }

    /// What `node init` did.
    package struct Initialized: Sendable {
        package var publicKey: PublicKey
        package var genesisHash: [UInt8]
        package var appliedSeq: Int
    }

    /// Creates the node: a new key or the imported seed, the genesis fetched, checked (`--genesis-hash` when given)
    /// and applied; with an imported key, the log pulled to the relay's head. Everything is built in a staging folder
    /// and moved into place at the end, so a failure leaves nothing behind.
    package func initialize(
        relay: URL, genesisHash: String?, importing keyFile: String?, insecure: Bool,
        transport makeTransport: (SigningKey) -> any RelayTransport
    ) async throws(SyncError) -> Initialized {
        try Self.checkRelayURL(relay, insecure: insecure)
        try checkFree()
        let key = try loadKey(keyFile)
        StagingFolder.removeAbandoned(of: path)
        let staging = NodeFolder(path: path + ".init-" + Hex.encode(Sodium.randomBytes(4)))
        let lock = try StagingFolder.create(staging.path)
        defer { close(lock) }
        do {
            let result = try await staging.build(
                key: key, relay: relay, genesisHash: genesisHash, pullToHead: keyFile != nil,
                transport: makeTransport(key))
            try staging.moveInto(path)
            return result
        } catch {
            try? FileManager.default.removeItem(atPath: staging.path)
            throw error
        }
    }

    private func build(
        key: SigningKey, relay: URL, genesisHash: String?, pullToHead: Bool, transport: any RelayTransport
    ) async throws(SyncError) -> Initialized {
        let page = try await transport.genesis()
        guard let first = page.entries.first, first.seq == 1 else {
            throw SyncError(.integrity, "the relay's genesis answer holds no entry 1")
        }
        let genesis = try SyncClient.decode(first)
        if let genesisHash, genesisHash.lowercased() != genesis.idHex {
            throw SyncError(
                .integrity, "the relay's genesis hash is \(genesis.idHex), not \(genesisHash): wrong network?")
        }
        let store: ReplicaStore
        do {
            try KeyFile.create(key, path: keyPath)
            // Not durable while it is built: a failure removes the staging folder and a crash leaves it unused (no
            // node folder exists before the move), and `close` below puts the finished store on disk before the
            // folder moves into place. So no page of the catch-up waits for the disk, or goes through a write-ahead
            // log, on commit. The indexes only the node's views read are created once the log is in
            // (`QueryIndexes`).
            store = try ReplicaStore.building(path: storePath)
        } catch {
            throw SyncError(.badInput, "cannot write the node's files: \(error)")
        }
        let client = SyncClient(store: store, transport: transport)
        try client.apply(PullPage(entries: [first], head: page.head))
        var meta = ["relay_url": relay.absoluteString, "genesis_hash": genesis.idHex]
        if pullToHead {
            let report = try await client.catchUp()
            meta["next_counter"] = report.nextCounter.map(String.init)
            meta["last_sync_at"] = UTCTime.now().description
            meta["relay_head_seq"] = report.head.map { String($0.seq) }
        }
        do {
            try store.finishBuild()
            try store.setMeta(meta)
            let applied = try store.position().appliedSeq
            try store.close()  // everything in the main file before the folder moves
            return Initialized(publicKey: key.publicKey, genesisHash: genesis.id, appliedSeq: applied)
        } catch {
            throw SyncError(.badInput, "cannot write the node's store: \(error)")
        }
    }

    /// A non-loopback `http://` relay needs `--insecure`.
    static func checkRelayURL(_ url: URL, insecure: Bool) throws(SyncError) {
        guard let scheme = url.scheme, ["http", "https"].contains(scheme), let host = url.host, !host.isEmpty else {
            throw SyncError(.badInput, "--relay must be an http:// or https:// URL")
        }
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        if scheme == "http", !loopback, !insecure {
            throw SyncError(
                .badInput, "\(url.absoluteString) is plain HTTP: use https://, or pass --insecure to accept it")
        }
    }

    /// The folder must be new or empty: the finished node replaces it whole.
    private func checkFree() throws(SyncError) {
        let files = FileManager.default
        for name in ["node.key", "node.sqlite", "relay.key", "relay.sqlite"]
        where files.fileExists(atPath: path + "/" + name) {
            throw SyncError(.badInput, "\(path) already holds a node or a relay")
        }
        if let contents = try? files.contentsOfDirectory(atPath: path), !contents.isEmpty {
            throw SyncError(.badInput, "\(path) is not empty: give a new or empty folder")
        }
    }

    private func loadKey(_ keyFile: String?) throws(SyncError) -> SigningKey {
        guard let keyFile else { return SigningKey.generate() }
        do { return try KeyFile.read(path: keyFile) } catch { throw SyncError(.badInput, error.message) }
    }

    /// rename(2): replaces an empty folder at `target`, and refuses one that is not empty (another `node init` of
    /// the same folder finished first).
    private func moveInto(_ target: String) throws(SyncError) {
        guard rename(path, target) == 0 else {
            if errno == ENOTEMPTY || errno == EEXIST {
                throw SyncError(
                    .badInput, "\(target) is not empty any more: did another `node init` of it finish first?")
            }
            throw SyncError(.badInput, "cannot create \(target): \(String(cString: strerror(errno)))")
        }
    }

    /// Fails unless this folder holds a node.
    func requireNode() throws(SyncError) {
        guard FileManager.default.fileExists(atPath: storePath) else {
            throw SyncError(
                .badInput, "\(path) holds no node: run `hutsync node init --data \(path) --relay URL` first")
        }
    }

    /// Opens an initialised node: its key and store.
    package func open() throws(SyncError) -> (key: SigningKey, store: ReplicaStore) {
        if let opened { return opened }
        try requireNode()
        try FolderLock.share(path)
        do {
            return (try KeyFile.read(path: keyPath), try ReplicaStore(path: storePath))
        } catch {
            throw SyncError(.badInput, "cannot open the node in \(path): \(error)")
        }
    }
}
