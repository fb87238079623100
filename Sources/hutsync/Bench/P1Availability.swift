import Foundation
import GRDB
import Relay
import Store
import Wire

/// P1: one-slot availability (all four shifts of one property and date) through the node's query path, on a replica
/// with many properties and bookings, p99; baseline: one hand-written prepared statement answering the same question
/// on the same file.
struct P1Availability: BenchMeasure {
    let title = "P1 availability"

    func run(_ bench: Bench) async throws -> [(key: String, value: Double)] {
        let scale = bench.scale
        let (path, properties) = try build(bench)
        let store = try ReplicaStore(path: path)
        let days = scale.bookings / scale.properties / 2 + 1
        var random = SystemRandomNumberGenerator()
        func question() -> (String, CalendarDate) {
            (properties.randomElement(using: &random)!, BenchData.firstDate.adding(days: Int.random(in: 0..<days)))
        }
        let now = UTCTime.now()
        // The node's path and the baseline answer the same questions in turn (each question through both, which
        // one first alternating), so a burst of other work on the machine reaches both sets of timings alike.
        bench.step("P1: \(scale.queries) availability queries, each through the node's path and one prepared statement")
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        var node: [Double] = []
        var baseline: [Double] = []
        try queue.inDatabase { db in
            let statement = try db.makeStatement(sql: Self.baselineSQL)
            for index in 0..<(scale.queries + scale.queries / 10) {
                let (property, date) = question()
                let warm = index >= scale.queries / 10  // the first tenth warms up
                for order in index % 2 == 0 ? [0, 1] : [1, 0] {
                    let start = ContinuousClock.now
                    if order == 0 {
                        let slots = try store.localAvailability(propertyID: property, from: date, days: 1, now: now)
                        precondition(slots.count == 1)
                    } else {
                        let rows = try Row.fetchAll(
                            statement,
                            arguments: [property, date.description, date.adding(days: 1).description, date.isoWeekday])
                        precondition(!rows.isEmpty)
                    }
                    let elapsed = (ContinuousClock.now - start).seconds * 1e6
                    if warm { order == 0 ? node.append(elapsed) : baseline.append(elapsed) }
                }
            }
        }
        try queue.close()
        try store.close()
        return [
            ("p1_availability_p99_us", Timing.percentile(node, 0.99)),
            ("p1_baseline_p99_us", Timing.percentile(baseline, 0.99)),
            ("p1_availability_p50_us", Timing.percentile(node, 0.5)),
            ("p1_baseline_p50_us", Timing.percentile(baseline, 0.5)),
        ]
    }

    /// The units held on the date and the next (a Full Night reaches into it), the weekday's prices and the date's
    /// overrides: everything the four shifts' state needs, in one statement.
    static let baselineSQL = """
        SELECT o.date, o.half, o.holder_kind, b.code, NULL AS amount FROM occupancy o
        LEFT JOIN bookings b ON o.holder_kind = 'booking' AND b.id = o.holder_id
        WHERE o.property_id = ?1 AND o.date BETWEEN ?2 AND ?3
        UNION ALL SELECT NULL, NULL, shift, NULL, amount FROM weekly_prices WHERE property_id = ?1 AND weekday = ?4
        UNION ALL SELECT date, NULL, shift, NULL, amount FROM price_overrides WHERE property_id = ?1 AND date = ?2
        """

    /// A replica with the scale's properties and bookings, applied as a node applies pulled entries.
    private func build(_ bench: Bench) throws -> (String, [String]) {
        let scale = bench.scale
        let folder = RelayFolder(path: bench.path("p1"))
        _ = try folder.initialize(payee: nil, now: UTCTime.now())
        let admin = try KeyFile.read(path: folder.adminKeyPath)
        let (_, store) = try folder.open()
        var position = try store.position()
        var counter = 0
        var batch: [SequencedEntry] = []
        func add(_ ops: [Wire.Operation]) throws {
            counter += 1
            let changeSet = ChangeSet(
                author: admin.publicKey, counter: counter, baseSeq: position.appliedSeq, baseHash: position.headHash,
                time: UTCTime.now(), ops: ops)
            batch.append(
                SequencedEntry(
                    seq: position.appliedSeq + batch.count + 1, relayTime: UTCTime.now(),
                    changeSet: try SignedChangeSet(signing: changeSet, with: admin)))
            if batch.count == 200 { try flush() }
        }
        func flush() throws {
            try store.apply(batch)
            batch = []
            position = try store.position()
        }
        let owner = UUIDText.timeOrdered()
        try add([BenchData.ownerPut(owner)])
        let properties = (0..<scale.properties).map { _ in UUIDText.timeOrdered() }
        for chunk in stride(from: 0, to: properties.count, by: 30) {
            try add(
                properties[chunk..<min(chunk + 30, properties.count)].flatMap { BenchData.property($0, owner: owner) })
        }
        var made = 0
        while made < scale.bookings {
            let count = min(50, scale.bookings - made)
            try add(
                (made..<(made + count)).map {
                    BenchData.booking(property: properties[$0 % properties.count], index: $0 / properties.count)
                })
            made += count
            if made % 10_000 == 0 { bench.step("P1: building the replica, \(made) of \(scale.bookings) bookings") }
        }
        try flush()
        try store.close()
        return (folder.storePath, properties)
    }
}
