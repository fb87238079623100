import GRDB
import Store
import TestSupport
import Testing

/// Seeded random logs applied to independent stores give the same outcome and digest after every entry, whatever
/// the batching, a close and reopen, SQLite's order of unordered rows, or the query indexes a store keeps.
@Suite struct DeterminismTests {
    @Test(arguments: 0..<12)
    func replicasAgreeEntryByEntry(seed: Int) throws {
        var random = SeededRandom(seed: UInt64(seed) &* 0x9E37_79B9 &+ 1)
        let log = RandomLog.make(entries: 200, random: &random)
        let directory = TemporaryDirectory()

        let plain = try ReplicaStore(path: directory.file("a.sqlite"))
        var reversed = try Self.reversedStore(directory.file("b.sqlite"))
        var reopened = false
        var plainResults: [AppliedEntry] = []
        var reversedResults: [AppliedEntry] = []
        var index = 0
        while index < log.count {
            let size = Int.random(in: 1...20, using: &random)
            let batch = Array(log[index..<min(index + size, log.count)])
            plainResults += try plain.apply(batch)
            for entry in batch { reversedResults += try reversed.apply([entry]) }
            index += batch.count
            if index > log.count / 2, !reopened {
                // Close and reopen mid-way: from here on the state is what was on disk.
                reversed = try Self.reversedStore(directory.file("b.sqlite"))
                reopened = true
            }
        }
        #expect(plainResults == reversedResults, "seed \(seed)")
        let outcomes = Set(plainResults.map(\.outcome.kind))
        #expect(outcomes == ["applied", "conflicted", "rejected"], "seed \(seed) does not exercise every outcome")
        #expect(try plain.recomputeDigest() == plain.position().digest, "seed \(seed): incremental digest drifted")
        #expect(try reversed.recomputeDigest() == reversed.position().digest)

        // The serial oracle: the final log, read back from a replica, applied to a fresh store — one without the
        // indexes only a node's views read, as the relay's is (`QueryIndexes`).
        let oracle = try ReplicaStore(path: directory.file("oracle.sqlite"), queryIndexes: false)
        try oracle.apply(try plain.entries(after: 0, limit: 10_000))
        #expect(try oracle.position() == plain.position(), "seed \(seed)")
        try Self.expectNoOverlappingHolders(plain)
    }

    static func reversedStore(_ path: String) throws -> ReplicaStore {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA reverse_unordered_selects = ON") }
        return try ReplicaStore(writer: try DatabasePool(path: path, configuration: configuration))
    }

    /// No two holding bookings (or blocks) of one property share a unit — checked from the bookings themselves,
    /// not from the occupancy table.
    static func expectNoOverlappingHolders(_ store: ReplicaStore) throws {
        let holders = try store.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT property_id, date, shift, id FROM bookings
                    WHERE status IN ('Pending', 'Waiting', 'Confirmed', 'Completed')
                    UNION ALL SELECT property_id, date, shift, id FROM blocks WHERE removed_seq IS NULL
                    """)
        }
        var taken: [String: String] = [:]
        for row in holders {
            let shift = try #require(Shift(rawValue: row["shift"]))
            for unit in shift.units(on: try #require(CalendarDate(row["date"] as String))) {
                let key = "\(row["property_id"] as String)/\(unit.date)/\(unit.half)"
                #expect(taken[key] == nil, "\(key) held twice")
                taken[key] = row["id"]
            }
        }
        let occupied = try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM occupancy") }
        #expect(occupied == taken.count)
    }
}

extension DeterminismTests {
    /// The random logs exercise the whole lifecycle: across the seeds, bookings end in every status.
    @Test func randomLogsReachEveryStatus() throws {
        var statuses: Set<String> = []
        for seed in 0..<12 {
            var random = SeededRandom(seed: UInt64(seed) &* 0x9E37_79B9 &+ 1)
            let directory = TemporaryDirectory()
            let store = try ReplicaStore(path: directory.file("a.sqlite"))
            try store.apply(RandomLog.make(entries: 200, random: &random))
            statuses.formUnion(
                try store.writer.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT status FROM bookings") })
        }
        #expect(statuses == ["Pending", "Waiting", "Confirmed", "Completed", "Cancelled", "Expired", "Conflicted"])
    }
}
