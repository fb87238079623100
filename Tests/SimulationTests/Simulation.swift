import Foundation
import GRDB
import Relay
import Store
import SyncNode
import Synchronization
import TestSupport
import Wire

/// One node of the simulated network: a key, a real store on disk, and its faulty link to the relay.
final class SimNode: @unchecked Sendable {
    // Mutated only by the simulation's task (its syncs read `store` and `link` while it waits).
    let name: String
    let key: SigningKey
    let path: String
    let link: SimLink
    let reversed: Bool
    var store: ReplicaStore
    /// Every change set this node's store accepted as a local write.
    var written: [[UInt8]] = []

    init(name: String, key: SigningKey, path: String, link: SimLink, genesis: SequencedEntry, reversed: Bool) throws {
        self.name = name
        self.key = key
        self.path = path
        self.link = link
        self.reversed = reversed
        store = try ReplicaStore(path: path, durable: false, reverseUnorderedSelects: reversed)
        try store.apply([genesis])
    }

    /// A crash and restart: the store is opened again from what is on disk.
    func restart() throws { store = try ReplicaStore(path: path, durable: false, reverseUnorderedSelects: reversed) }
}

/// A seeded run of the whole network: one relay and five nodes (the admin, two owners, the reviewer and a key
/// that is not enrolled until an admin grants it) writing random operations of every kind, syncing — several syncs at
/// once, a node's own among them — through links that lose, delay, reorder and duplicate requests and answers,
/// partitioned and healed, crashed (mid-sync and mid-write) and restarted — then healed, synced, and checked.
struct Simulation {
    let seed: UInt64
    var steps = 200

    /// The invariants that failed (empty when the run is good).
    func run() async throws -> [String] {
        let directory = TemporaryDirectory()
        var random = SeededRandom(seed: seed)
        var log = LogBuilder()
        let genesis = log.genesis()
        let clock = SimClock(UTCTime(seconds: genesis.relayTime.seconds + 1))
        let reversed = seed % 4 == 0
        let relay = try SimRelay(
            path: directory.file("relay.sqlite"), key: log.relay, genesis: genesis, clock: clock, reversed: reversed)
        let network = SimNetwork(relay: relay)
        let keys = [
            ("admin", log.admin), ("owner1", RandomLog.owners[0]), ("owner2", RandomLog.owners[1]),
            ("reviewer", RandomLog.reviewer), ("spare", RandomLog.spare[0]),
        ]
        let nodes = try keys.enumerated().map { index, named in
            try SimNode(
                name: named.0, key: named.1, path: directory.file(named.0 + ".sqlite"),
                link: SimLink(key: named.1, seed: seed &* 31 &+ UInt64(index), faultRate: 10),
                genesis: genesis, reversed: reversed)
        }
        var failures: [String] = []
        func harvest() {
            for (node, error) in network.harvest() {
                if let error, error.kind == .integrity {
                    failures.append("\(node.name) stopped on an integrity error: \(error.message)")
                }
            }
        }
        /// Starts a sync of the node and runs every sync until each is done or waits for a held message.
        func sync(_ node: SimNode) async {
            await network.sync(node, now: { clock.now })
            harvest()
        }
        /// The node's processes die (their syncs stop where they are) and it restarts from what is on disk.
        func crash(_ node: SimNode) async throws {
            await network.crash(node)
            harvest()
            try node.restart()
        }

        // The set-up reaches the relay before anything else.
        let admin = nodes[0]
        let (setup, _) = try admin.store.write(RandomLog.setup(), key: admin.key, now: clock.now)
        admin.written.append(setup.id)
        admin.link.faultRate = 0
        await sync(admin)
        admin.link.faultRate = 10

        var operations = RandomLog.RandomOperations()
        var interrupted = (writes: 0, committed: 0)
        for step in 0..<steps {
            clock.now = UTCTime(seconds: clock.now.seconds + Int.random(in: 1...90, using: &random))
            let node = nodes[Int.random(in: 0..<nodes.count, using: &random)]
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<45:
                // Half the writes by the admin, who may do everything, so bookings apply and collide often.
                let writer = Bool.random(using: &random) ? admin : node
                let ops = operations.next(step, random: &random)
                // Now and then the node crashes in the middle of the write: its transaction either committed or
                // never happened (SQLite's atomic commit is taken as given), the seed decides which.
                let crashes = Int.random(in: 0..<15, using: &random) == 0
                let commits = !crashes || Bool.random(using: &random)
                if commits, let (signed, _) = try? writer.store.write(ops, key: writer.key, now: clock.now) {
                    writer.written.append(signed.id)
                    if crashes { interrupted.committed += 1 }
                }
                if crashes {
                    interrupted.writes += 1
                    try await crash(writer)
                }
            case 45..<74: await sync(node)
            case 74..<82:
                // A held message moves on: a request reaches the relay, an answer its sync, or either is lost.
                await network.release(&random, faults: true)
                harvest()
            case 82..<86: clock.now = UTCTime(seconds: clock.now.seconds + Int.random(in: 0...1500, using: &random))
            case 86..<90: node.link.partitioned.toggle()
            case 90..<94: try await crash(node)
            case 94..<97: try relay.restart()
            default:
                // Two nodes sync back to back (the second sees the first's pushes at once).
                await sync(node)
                await sync(nodes[Int.random(in: 0..<nodes.count, using: &random)])
            }
        }

        // Heal everything: every message in flight arrives and every answer is heard, then every node syncs.
        clock.now = UTCTime(seconds: clock.now.seconds + 60)
        for node in nodes {
            node.link.partitioned = false
            node.link.faultRate = 0
        }
        while network.busy.messages > 0 {
            await network.release(&random, faults: false)
            harvest()
        }
        for _ in 0..<3 { for node in nodes { await sync(node) } }
        let busy = network.busy
        if busy.messages + busy.sessions > 0 {
            failures.append("after healing: \(busy.messages) messages in flight, \(busy.sessions) syncs not finished")
        }
        failures += try check(relay: relay, nodes: nodes, directory: directory)
        let counts = try await relay.store.writer.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM log") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM log WHERE outcome LIKE '%rejected%'") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM bookings WHERE status = 'Conflicted'") ?? 0
            )
        }
        Simulation.totals.withLock { totals in
            totals.entries += counts.0
            totals.rejected += counts.1
            totals.conflicted += counts.2
            totals.written += nodes.reduce(0) { $0 + $1.written.count }
            let counts = network.counts
            totals.held += counts.held
            totals.late += counts.late
            totals.overtaken += counts.overtaken
            totals.stale += counts.stale
            totals.overlapping += counts.overlapping
            totals.killed += counts.killed
            totals.repeated += relay.repeated
            totals.interrupted += interrupted.writes
            totals.committed += interrupted.committed
        }
        return failures
    }

    /// What the runs did, summed (printed at the end, to show the seeds exercise something).
    struct Totals {
        var entries = 0
        var rejected = 0
        var conflicted = 0
        var written = 0
        var held = 0
        var late = 0
        var overtaken = 0
        var stale = 0
        var overlapping = 0
        var killed = 0
        var repeated = 0
        var interrupted = 0
        var committed = 0
    }
    static let totals = Mutex(Totals())

    private func check(relay: SimRelay, nodes: [SimNode], directory: TemporaryDirectory) throws -> [String] {
        var failures: [String] = []
        let head = try relay.store.position()
        if try relay.store.recomputeDigest() != head.digest { failures.append("relay: stored digest ≠ recomputed") }

        // Every enrolled replica at the head with the same digest.
        for node in nodes {
            guard let enrolment = try relay.store.enrolment(of: node.key.publicKey), !enrolment.revoked else {
                continue
            }
            let position = try node.store.position()
            if position != head {
                failures.append(
                    "\(node.name): at \(position.appliedSeq), the relay at \(head.appliedSeq) (or digests differ)")
            }
            if try node.store.recomputeDigest() != position.digest {
                failures.append("\(node.name): stored digest ≠ recomputed")
            }
            if try node.store.outboxCounts().pending > 0,
                try node.store.pendingChangeSets().isEmpty == false
            {
                let stuck = try node.store.writer.read { db in
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE door_refusal IS NULL") ?? 0
                }
                if stuck > 0 { failures.append("\(node.name): \(stuck) change sets still pending after healing") }
            }
        }

        // No two holding bookings or live blocks of a property share a unit.
        let holders = try relay.store.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, property_id, date, shift FROM bookings
                    WHERE status IN ('Pending', 'Waiting', 'Confirmed', 'Completed')
                    UNION ALL SELECT id, property_id, date, shift FROM blocks WHERE removed_seq IS NULL
                    """)
        }
        var units: [String: String] = [:]
        for row in holders {
            guard let date = CalendarDate(row["date"] as String), let shift = Shift(rawValue: row["shift"] as String)
            else { continue }
            for unit in shift.units(on: date) {
                let name = "\(row["property_id"] as String) \(unit.date) \(unit.half)"
                if let other = units[name] { failures.append("\(other) and \(row["id"] as String) both hold \(name)") }
                units[name] = row["id"]
            }
        }

        // Every acknowledged change set in the log exactly once, at its sequence.
        let logged = try relay.store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, seq FROM log").map { (Array($0["id"] as Data), $0["seq"] as Int) }
        }
        let bySeq = Dictionary(logged.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
        if bySeq.count != logged.count { failures.append("a change set is in the log twice") }
        for (id, seq) in relay.acknowledged where bySeq[id] != seq {
            failures.append(
                "acknowledged \(Hex.encode(id).prefix(12)) at \(seq) but the log has \(String(describing: bySeq[id]))")
        }

        // Every push of a change set already in the log was answered with its entry.
        failures += relay.violations.prefix(3)

        // Every change set a node wrote is sequenced, refused (and listed), or still in its outbox.
        for node in nodes {
            let kept = try node.store.writer.read { db in
                Set(try Data.fetchAll(db, sql: "SELECT id FROM outbox UNION SELECT id FROM refusals").map(Array.init))
            }
            for id in node.written where bySeq[id] == nil && !kept.contains(id) {
                failures.append("\(node.name): change set \(Hex.encode(id).prefix(12)) vanished")
            }
        }

        // The serial oracle: the final log applied to a fresh store gives the same digest.
        let oracle = try ReplicaStore(path: directory.file("oracle.sqlite"), durable: false)
        var after = 0
        while case let entries = try relay.store.entries(after: after), let last = entries.last {
            try oracle.apply(entries)
            after = last.seq
        }
        if try oracle.position() != head { failures.append("the serial oracle's digest differs from the relay's") }
        return failures
    }
}
