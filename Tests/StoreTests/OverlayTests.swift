import GRDB
import Store
import TestSupport
import Testing

/// The node's overlay (pending change sets kept applied, undoable): after any mix of local writes, entries from
/// other nodes and partial sequencing, (1) the incrementally kept local view equals one rebuilt from scratch, and
/// (2) removing it gives back exactly the sequenced state — the stored digest matches a recomputation and every
/// state table, occupancy included, equals a fresh replica's that replayed the log.
@Suite struct OverlayTests {
    static let start = UTCTime("2026-11-25T06:00:00Z")!
    static let tables = [
        "network_params", "platform_payee", "keys", "owners", "properties", "property_amenities", "property_media",
        "weekly_prices", "price_overrides", "blocks", "bookings", "payment_proofs", "occupancy",
    ]

    /// Every row of every state table, as text, in a fixed order (rowids left out).
    static func dump(_ db: Database) throws -> [String] {
        try tables.flatMap { table in
            let columns = try db.columns(in: table).map(\.name)
            let order = (1...columns.count).map(String.init).joined(separator: ", ")
            return try Row.fetchAll(
                db, sql: "SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY \(order)"
            )
            .map { "\(table) \($0)" }
        }
    }

    struct Network {
        var harness: StoreHarness
        var random: SeededRandom
        var adminCounter: Int
        var time = OverlayTests.start
        let properties = [TestID.uuid(1, kind: 0xB), TestID.uuid(2, kind: 0xB)]
        var bookings: [String] = []
        var next = 0

        init(seed: UInt64) throws {
            harness = try StoreHarness()
            random = SeededRandom(seed: seed)
            for property in properties { try harness.addProperty(property) }
            adminCounter = harness.log.counter(of: harness.log.admin)
            time = UTCTime(seconds: max(time.seconds, harness.log.time.seconds))
        }

        mutating func randomOperation() -> Wire.Operation {
            next += 1
            let property = properties[Int.random(in: 0..<properties.count, using: &random)]
            let date = CalendarDate(year: 2026, month: 12, day: Int.random(in: 1...4, using: &random))!.description
            let shift = Shift.allCases[Int.random(in: 0..<4, using: &random)]
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<6:
                let id = TestID.uuid(next, kind: 1)
                bookings.append(id)
                return Catalogue.book(id, property: property, date: date, shift: shift)
            case 6..<8 where !bookings.isEmpty:
                return .bookingCancel(
                    BookingCancel(bookingID: bookings[Int.random(in: 0..<bookings.count, using: &random)], reason: "x"))
            default:
                return Catalogue.block(TestID.uuid(next, kind: 0xC), property: property, date: date, shift: shift)
            }
        }

        /// An entry from another node (the admin's), sequenced now.
        mutating func remoteEntry() throws {
            let position = try harness.store.position()
            adminCounter += 1
            time = UTCTime(seconds: time.seconds + 60)
            let changeSet = try SignedChangeSet(
                signing: ChangeSet(
                    author: harness.log.admin.publicKey, counter: adminCounter, baseSeq: position.appliedSeq,
                    baseHash: position.headHash, time: time, ops: [randomOperation()]),
                with: harness.log.admin)
            try harness.store.apply([
                SequencedEntry(seq: position.appliedSeq + 1, relayTime: time, changeSet: changeSet)
            ])
        }

        /// The relay sequences the first `count` pending change sets; the node settles.
        mutating func sequencePending(_ count: Int) throws {
            let position = try harness.store.position()
            time = UTCTime(seconds: time.seconds + 60)
            let entries = try harness.store.pendingChangeSets().prefix(count).enumerated().map { offset, changeSet in
                SequencedEntry(seq: position.appliedSeq + offset + 1, relayTime: time, changeSet: changeSet)
            }
            try harness.store.apply(entries)
            try harness.store.settleOutbox()
        }

        mutating func step() throws {
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<6:
                time = UTCTime(seconds: time.seconds + 1)
                _ = try? harness.store.write([randomOperation()], key: harness.ownerA, now: time)
            case 6..<8: try remoteEntry()
            default: try sequencePending(Int.random(in: 1...3, using: &random))
            }
        }
    }

    @Test(arguments: 1...8 as ClosedRange<UInt64>)
    func theOverlayIsExactAndUndoesExactly(seed: UInt64) throws {
        var network = try Network(seed: seed)
        let store = network.harness.store
        for step in 0..<60 {
            try network.step()
            guard step % 10 == 9 else { continue }
            let incremental = try store.withLocalView(now: network.time) { try Self.dump($0) }
            try store.resetLocalView()
            let rebuilt = try store.withLocalView(now: network.time) { try Self.dump($0) }
            #expect(incremental == rebuilt, "seed \(seed), step \(step): the kept local view drifted")
            // recomputeDigest takes the overlay off: the sequenced state must be exactly the log's.
            #expect(try store.recomputeDigest() == store.position().digest, "seed \(seed), step \(step)")
            let oracle = try ReplicaStore(path: network.harness.directory.file("oracle-\(step).sqlite"))
            var after = 0
            while case let entries = try store.entries(after: after), let last = entries.last {
                try oracle.apply(entries)
                after = last.seq
            }
            #expect(
                try store.writer.read(Self.dump) == oracle.writer.read(Self.dump),
                "seed \(seed), step \(step): removing the overlay did not give back the sequenced state")
        }
        #expect(try store.outboxCounts().pending + store.position().appliedSeq > 10)
    }

    @Test func aLocalWriteCostsOneApplicationNotTheWholeOutbox() throws {
        var network = try Network(seed: 99)
        let store = network.harness.store
        for index in 0..<200 {
            _ = try store.write(
                [
                    Catalogue.block(
                        TestID.uuid(index, kind: 0xD), property: network.properties[0],
                        date: CalendarDate(year: 2027, month: 1, day: 1)!.adding(days: index).description, shift: .day)
                ],
                key: network.harness.ownerA, now: network.time)
        }
        // One undo record per write (the overlay was never rebuilt), and the local view shows all 200.
        let undos = try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM overlay_undo") }
        #expect(undos == 200)
        #expect(try store.localBlocks(propertyID: network.properties[0], now: network.time).count == 200)
        // Sequenced entries take it off; the next read puts it back in one piece.
        try network.remoteEntry()
        #expect(try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM overlay") } == 0)
        #expect(try store.localBlocks(propertyID: network.properties[0], now: network.time).count == 200)
        #expect(try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM overlay_undo") } == 1)
    }
}
