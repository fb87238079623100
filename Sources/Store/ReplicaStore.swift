import Foundation
package import GRDB

/// One replica's SQLite store: owns the database, runs the migrations, applies sequenced entries and answers
/// queries. Each write method is one transaction that keeps the invariants.
package struct ReplicaStore: Sendable {
    package let writer: any DatabaseWriter

    /// Opens (creating if needed) the store at `path`: a WAL `DatabasePool` with `synchronous=FULL`, so an applied
    /// entry survives power loss.
    package init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try self.init(writer: pool)
    }

    /// Uses an existing writer (tests use real files; an in-memory queue only for pure SQL unit tests).
    package init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try Migrations.migrator.migrate(writer)
    }

    /// Applies entries in order, in one transaction: each takes effect exactly once, or none does.
    @discardableResult
    package func apply(_ entries: [SequencedEntry]) throws -> [AppliedEntry] {
        try writer.write { db in try entries.map { try Applier.apply($0, in: db) } }
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
        try writer.read { db in try DigestSum.recompute(db).digest }
    }

    /// The digest recorded after entry `seq`, or nil if it is not applied.
    package func digest(after seq: Int) throws -> [UInt8]? {
        try writer.read { db in
            try Data.fetchOne(db, sql: "SELECT digest FROM log WHERE seq = ?", arguments: [seq]).map { Array($0) }
        }
    }
}

extension ReplicaStore {
    /// The applied log after `seq`, in order, as entries that can be applied again (`node rebuild`, the oracle).
    package func entries(after seq: Int, limit: Int = 1000) throws -> [SequencedEntry] {
        try writer.read { db in
            try Row.fetchAll(
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
            try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, relay_time, change_set, signature, outcome, digest, hash FROM log
                    WHERE seq > ? ORDER BY seq LIMIT ?
                    """,
                arguments: [seq, limit]
            ).map { row in
                LogRecord(
                    seq: row["seq"], relayTime: UTCTime(seconds: row["relay_time"]),
                    changeSet: Array(row["change_set"] as Data), signature: Array(row["signature"] as Data),
                    outcome: row["outcome"], digest: Array(row["digest"] as Data), hash: Array(row["hash"] as Data))
            }
        }
    }
}

extension ReplicaStore {
    /// Applies one entry inside a transaction the caller already holds (the relay's group commit).
    package static func apply(_ entry: SequencedEntry, in db: Database) throws -> AppliedEntry {
        try Applier.apply(entry, in: db)
    }
}
