import CSQLiteSession
import Foundation
package import GRDB

/// One replica's SQLite store: owns the database, runs the migrations, applies sequenced entries and answers
/// queries. Each write method is one transaction that keeps the invariants.
package struct ReplicaStore: Sendable {
    package let writer: any DatabaseWriter

    /// Opens (creating if needed) the store at `path`: a WAL `DatabasePool` with `synchronous=FULL`, so an applied
    /// entry survives power loss.
    ///
    /// `durable: false` (`synchronous=OFF`: a crash of the machine could lose the last transactions, a crash of the
    /// process cannot) is for the simulation, which may also pass `reverseUnorderedSelects` to flush out
    /// order-dependent SQL. A store that is not a replica yet is opened with ``building(path:)``.
    ///
    /// `queryIndexes` (see ``QueryIndexes``): a node's store keeps the indexes its views read; the relay's goes
    /// without.
    package init(path: String, durable: Bool = true, reverseUnorderedSelects: Bool = false, queryIndexes: Bool = true)
        throws
    {
        let pool = try DatabasePool(
            path: path, configuration: Self.configuration(reverseUnorderedSelects: reverseUnorderedSelects))
        // GRDB's pool turns WAL on after `prepareDatabase` ran, and with it sets the writer to `synchronous=NORMAL`
        // (a commit reaches the disk only at the next checkpoint): the writer's durability is set again here.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF")
        }
        try self.init(writer: pool, queryIndexes: queryIndexes)
    }

    /// Creates the store at `path` for a process that builds it alone before it becomes a replica: `node init`'s
    /// staging store and `node rebuild`'s fresh one, thrown away on any failure and left unused by a crash.
    ///
    /// One connection (a `DatabaseQueue`), `synchronous=OFF` and the rollback journal in memory: a commit writes
    /// each page it changed once, into the main file, where a write-ahead log would write it twice (into the log,
    /// then back at a checkpoint) and read it back in between. Without the query indexes (``createQueryIndexes()``
    /// adds them at the end). ``close()`` turns it into a WAL database on disk, as every other store is.
    package static func building(path: String) throws -> ReplicaStore {
        let queue = try DatabaseQueue(path: path, configuration: configuration(reverseUnorderedSelects: false))
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = MEMORY")
            try db.execute(sql: "PRAGMA synchronous = OFF")
        }
        return try ReplicaStore(writer: queue, queryIndexes: false)
    }

    private static func configuration(reverseUnorderedSelects: Bool) -> Configuration {
        _ = sqliteConfigured
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            if reverseUnorderedSelects { try db.execute(sql: "PRAGMA reverse_unordered_selects = ON") }
            // Savepoint journals (one savepoint per entry) in memory, not in a temporary file: durability does not
            // depend on them, and on disk they cost a write per page an entry touches.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            if !db.configuration.readonly {
                // A page of a thousand entries touches random leaves of several indexes: checkpointing every 16 MiB
                // of log rather than every 4 MiB copies a leaf that successive pages touch once, not each time.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 4000")
            }
        }
        return configuration
    }

    private init(writer: any DatabaseWriter, queryIndexes: Bool) throws {
        try self.init(writer: writer)
        // Read first: most opens find the indexes as they should be and need no write transaction.
        if try writer.read(QueryIndexes.present) != (queryIndexes ? QueryIndexes.names : []) {
            try writer.write { db in try queryIndexes ? QueryIndexes.create(db) : QueryIndexes.drop(db) }
        }
    }

    /// Creates the indexes a node's views read (a store built without them, before it becomes a node's).
    package func createQueryIndexes() throws {
        try writer.write { db in try QueryIndexes.create(db) }
    }

    /// Process-wide SQLite settings, made once before the first database opens (see
    /// `hutsync_sqlite3_disable_memstatus`).
    private static let sqliteConfigured: Void = { _ = hutsync_sqlite3_disable_memstatus() }()

    /// Uses an existing writer (tests use real files; an in-memory queue only for pure SQL unit tests).
    package init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try Migrations.migrator.migrate(writer)
    }

    /// Applies entries in order, in one transaction: each takes effect exactly once, or none does. A node's own
    /// change sets among them leave its outbox in the same transaction, so no crash leaves one both applied and
    /// pending.
    ///
    /// `check` sees each result inside the transaction (a node compares it with the relay's outcome, digest and
    /// hash); throwing from it rolls the whole page back.
    ///
    /// With `applied` given, entries this replica has already applied are skipped instead (another sync of the same
    /// store — `node sync` next to `node serve` — may have applied part of a page since it was asked for); `applied`
    /// sees each of them with this replica's entry hash at its sequence, inside the same transaction.
    @discardableResult
    package func apply(
        _ entries: [SequencedEntry], check: (SequencedEntry, AppliedEntry) throws -> Void = { _, _ in },
        applied: ((SequencedEntry, _ hash: [UInt8]?) throws -> Void)? = nil
    ) throws -> [AppliedEntry] {
        guard !entries.isEmpty else { return [] }
        return try writer.write { db in
            var entries = entries[...]
            if let applied {
                let position = try StateRow.fetch(db).appliedSeq
                while let entry = entries.first, entry.seq <= position {
                    try applied(
                        entry,
                        try Data.cachedOne(db, sql: "SELECT hash FROM log WHERE seq = ?", arguments: [entry.seq])
                            .map { Array($0) })
                    entries = entries.dropFirst()
                }
                if entries.isEmpty { return [] }
            }
            // A node's pending change sets come off before sequenced entries go on (they are re-applied later).
            try Overlay.remove(db)
            var batch = try ApplyBatch(db)
            let results = try entries.map { entry in
                let result = try batch.apply(entry, in: db)
                try check(entry, result)
                return result
            }
            try batch.finish(db)
            try Self.settle(db)
            return results
        }
    }

    /// Where the replica stands: applied sequence, head hash and digest.
    package func position() throws -> ReplicaPosition {
        try writer.read { db in
            let state = try StateRow.fetch(db)
            return ReplicaPosition(
                appliedSeq: state.appliedSeq, headHash: state.headHash, digest: state.digestSum.digest)
        }
    }

    /// The digest computed from scratch over every replicated row (what `node verify` compares).
    package func recomputeDigest() throws -> [UInt8] {
        // Over the sequenced state: a node's overlay comes off first.
        try writer.write { db in
            try Overlay.remove(db)
            return try DigestSum.recompute(db).digest
        }
    }

    /// The digest recorded after entry `seq`, or nil if it is not applied.
    package func digest(after seq: Int) throws -> [UInt8]? {
        try writer.read { db in
            try Data.cachedOne(db, sql: "SELECT digest FROM log WHERE seq = ?", arguments: [seq]).map { Array($0) }
        }
    }
}

extension ReplicaStore {
    /// The applied log after `seq`, in order, as entries that can be applied again (`node rebuild`, the oracle).
    package func entries(after seq: Int, limit: Int = 1000) throws -> [SequencedEntry] {
        try writer.read { db in
            try Row.cachedAll(
                db, sql: "SELECT seq, relay_time, change_set, signature FROM log WHERE seq > ? ORDER BY seq LIMIT ?",
                arguments: [seq, limit]
            ).map { row in
                let bytes: Data = row["change_set"]
                let signature: Data = row["signature"]
                return SequencedEntry(
                    seq: row["seq"], relayTime: UTCTime(seconds: row["relay_time"]),
                    changeSet: try SignedChangeSet(bytes: Array(bytes), signature: Array(signature)))
            }
        }
    }
}

/// One entry of the log as the relay serves it.
package struct LogRecord: Sendable, Hashable {
    package var seq: Int
    package var relayTime: UTCTime
    package var changeSet: [UInt8]
    package var signature: [UInt8]
    /// The outcome's canonical JSON.
    package var outcome: String
    package var digest: [UInt8]
    package var hash: [UInt8]
}

extension ReplicaStore {
    /// Log entries after `seq`, in order, at most `limit`.
    package func logRecords(after seq: Int, limit: Int) throws -> [LogRecord] {
        try writer.read { db in
            var records: [LogRecord] = []
            try db.forEachRow(
                sql: """
                    SELECT seq, relay_time, change_set, signature, outcome, digest, hash FROM log
                    WHERE seq > ? ORDER BY seq LIMIT ?
                    """,
                arguments: [seq, limit]
            ) { row in
                records.append(
                    LogRecord(
                        seq: row.int(0), relayTime: UTCTime(seconds: row.int(1)), changeSet: row.blob(2),
                        signature: row.blob(3), outcome: row.text(4), digest: row.blob(5), hash: row.blob(6)))
            }
            return records
        }
    }
}

extension ReplicaStore {
    /// Applies one entry inside a transaction the caller already holds.
    package static func apply(_ entry: SequencedEntry, in db: Database) throws -> AppliedEntry {
        try Applier.apply(entry, in: db)
    }

    /// Entries applied one at a time inside a transaction the caller holds (the relay's group commit, where the door
    /// decides on each just before it is applied): `replica_state` is read once, carried here, and written back by
    /// ``finish(_:)`` before the transaction ends — two statements an entry fewer.
    package struct ApplyBatch {
        private var state: StateRow
        private var counters = LastCounters()

        package init(_ db: Database) throws { state = try StateRow.fetch(db) }

        package mutating func apply(_ entry: SequencedEntry, in db: Database) throws -> AppliedEntry {
            try Applier.apply(entry, state: &state, counters: &counters, in: db)
        }

        package func finish(_ db: Database) throws { try state.save(db) }
    }
}

extension ReplicaStore {
    /// A local fact (never replicated), or nil.
    package func meta(_ key: String) throws -> String? {
        try writer.read { db in try Self.meta(db, key) }
    }

    /// Copies what is this node's own and not in the log — local facts, the outbox, the refusals list and dismissed
    /// conflicts — from the store at `path` (`node rebuild` keeps them). The overlay is put back from the copied
    /// outbox on the next read or write.
    package func copyLocalState(from path: String) throws {
        try writer.writeWithoutTransaction { db in
            try db.run(sql: "ATTACH DATABASE ? AS previous", arguments: [path])
            defer { try? db.run(sql: "DETACH DATABASE previous") }
            try db.inTransaction {
                for table in ["local_meta", "outbox", "refusals", "dismissed_conflicts"] {
                    try db.run(sql: "INSERT OR REPLACE INTO main.\(table) SELECT * FROM previous.\(table)")
                }
                return .commit
            }
        }
    }

    /// Sets local facts in one transaction.
    package func setMeta(_ values: [String: String]) throws {
        try writer.write { db in
            for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                try db.run(
                    sql: "INSERT OR REPLACE INTO local_meta (key, value) VALUES (?, ?)", arguments: [key, value])
            }
        }
    }

    /// The role and owner of `key` in the registry at this replica's position, or nil when it is not enrolled.
    package func enrolment(of key: PublicKey) throws -> (role: String, ownerID: String?, revoked: Bool)? {
        try writer.read { db in try Self.enrolment(db, of: key) }
    }

    /// ``enrolment(of:)`` inside a transaction.
    package static func enrolment(_ db: Database, of key: PublicKey) throws -> (
        role: String, ownerID: String?, revoked: Bool
    )? {
        try Row.cachedOne(
            db, sql: "SELECT role, owner_id, revoked_seq FROM keys WHERE public_key = ?", arguments: [key.hex]
        )
        .map { ($0["role"], $0["owner_id"], ($0["revoked_seq"] as Int?) != nil) }
    }

    /// A local fact inside a transaction, or nil.
    package static func meta(_ db: Database, _ key: String) throws -> String? {
        try String.cachedOne(db, sql: "SELECT value FROM local_meta WHERE key = ?", arguments: [key])
    }

    /// The node's clock offset to the relay's in seconds (`clock_offset_s`; 0 until a sync learned one).
    package func clockOffset() throws -> Int {
        try writer.read { db in try Self.clockOffset(db) }
    }

    /// ``clockOffset()`` inside a transaction.
    package static func clockOffset(_ db: Database) throws -> Int {
        try meta(db, "clock_offset_s").flatMap { Int($0) } ?? 0
    }

    /// The unrevoked relay keys of the registry in the sequenced state (a node verifies the signed head with them);
    /// grants and revocations still in a node's overlay do not count.
    package func relayKeys() throws -> [PublicKey] {
        try writer.read { db in
            try String.cachedAll(
                db,
                sql: """
                    SELECT public_key FROM keys, replica_state s
                    WHERE role = 'relay' AND granted_seq <= s.applied_seq
                        AND (revoked_seq IS NULL OR revoked_seq > s.applied_seq)
                    ORDER BY public_key
                    """
            )
            .map { try PublicKey(hex: $0) }
        }
    }

    /// The entry hash at `seq` (32 zero bytes for 0), or nil when this replica has not applied it.
    ///
    /// Also from inside a write of this store (the sync client looks up bases while a page is applied): there it
    /// reads on the writer's connection, which sees the entries of the transaction so far.
    package func hash(at seq: Int) throws -> [UInt8]? {
        guard seq > 0 else { return EntryHash.zero }
        return try writer.unsafeReentrantRead { db in
            try Data.cachedOne(db, sql: "SELECT hash FROM log WHERE seq = ?", arguments: [seq]).map { Array($0) }
        }
    }
}
