import GRDB
import Store
import TestSupport
import Testing

/// A node's local writes: checked against the local view (sequenced state plus pending change sets), kept until the
/// log applies them, and listed as refused when the log rejects them.
@Suite struct OutboxTests {
    static let now = UTCTime("2026-11-25T06:00:00Z")!

    /// Sequences the outbox as a relay would (after `before`, which the relay orders first), then settles it (unless
    /// `settling` is false: a sync killed right after applying the page).
    static func sequence(_ harness: inout StoreHarness, before: [SequencedEntry] = [], settling: Bool = true) throws {
        try harness.store.apply(before)
        let position = try harness.store.position()
        let entries = try harness.store.pendingChangeSets().enumerated().map { offset, changeSet in
            SequencedEntry(seq: position.appliedSeq + offset + 1, relayTime: Self.now, changeSet: changeSet)
        }
        try harness.store.apply(entries)
        if settling { try harness.store.settleOutbox() }
    }

    @Test func writesSeePendingWritesAndRefusedOnesLeaveNoTrace() throws {
        var harness = try StoreHarness()
        let admin = harness.log.admin
        let ownerID = TestID.uuid(7, kind: 0xA)
        let newKey = try SigningKey(seed: [UInt8](repeating: 0x61, count: 32))
        let before = try harness.store.position()
        let (first, _) = try harness.store.write([Catalogue.owner(ownerID)], key: admin, now: Self.now)
        // The grant names the owner still in the outbox: the local view has it.
        let (second, _) = try harness.store.write(
            [Catalogue.grant(newKey, role: "owner", owner: ownerID)], key: admin, now: Self.now)
        #expect(first.changeSet.counter == 2)  // the harness's admin wrote counter 1
        #expect(second.changeSet.counter == 3)
        #expect(second.changeSet.baseSeq == before.appliedSeq)
        #expect(try harness.store.outboxCounts().pending == 2)
        // The sequenced state did not move.
        #expect(try harness.store.position() == before)

        #expect(throws: Rejection.self) {
            try harness.store.write(
                [Catalogue.grant(newKey, role: "owner", owner: TestID.uuid(8, kind: 0xA))], key: admin, now: Self.now)
        }
        #expect(try harness.store.outboxCounts().pending == 2)

        try Self.sequence(&harness)
        #expect(try harness.store.outboxCounts() == (pending: 0, refused: 0))
        #expect(try harness.store.enrolment(of: newKey.publicKey)?.role == "owner")
    }

    /// Free shifts are provisional while a pending change set sets that property's prices — and only that
    /// property's; a pending booking that merely names the property does not count; sequencing settles it.
    @Test func pendingPriceChangesMakeOnlyThatPropertysFreeShiftsProvisional() throws {
        var harness = try StoreHarness()
        let (priced, other) = (TestID.uuid(1, kind: 0xB), TestID.uuid(2, kind: 0xB))
        try harness.addProperty(priced)
        try harness.addProperty(other)
        let date = CalendarDate("2026-12-07")!
        func provisional(_ property: String) throws -> [Bool] {
            let day = try harness.store.localAvailability(propertyID: property, from: date, days: 1, now: Self.now)
            return Shift.allCases.map { day[0].shifts[$0]?.provisional ?? false }
        }
        _ = try harness.store.write(
            [Catalogue.book(TestID.uuid(1, kind: 1), property: priced, date: "2026-12-20", shift: .day)],
            key: harness.ownerA, now: Self.now)
        #expect(try provisional(priced) == [false, false, false, false])

        _ = try harness.store.write([Catalogue.prices(priced, amount: 12_345)], key: harness.ownerA, now: Self.now)
        #expect(try provisional(priced) == [true, true, true, true])
        #expect(try provisional(other) == [false, false, false, false])

        try Self.sequence(&harness)
        #expect(try provisional(priced) == [false, false, false, false])
    }

    @Test func aWriteThatLosesInTheLogIsListedAsRefused() throws {
        var harness = try StoreHarness()
        let property = TestID.uuid(1, kind: 0xB)
        try harness.addProperty(property)
        _ = try harness.store.write(
            [Catalogue.block(TestID.uuid(1, kind: 0xC), property: property, date: "2026-12-05", shift: .day)],
            key: harness.ownerA,
            now: Self.now)
        // Another node's booking of the same day reaches the relay first.
        let competing = harness.log.entry(
            [Catalogue.book(TestID.uuid(1, kind: 1), property: property, date: "2026-12-05", shift: .fullDay)],
            by: harness.log.admin)
        #expect(throws: Never.self) { try Self.sequence(&harness, before: [competing]) }
        #expect(try harness.store.outboxCounts() == (pending: 0, refused: 1))
        let reason = try harness.store.writer.read { db in try String.fetchOne(db, sql: "SELECT reason FROM refusals") }
        #expect(reason == "slot.taken")
    }
}

extension OutboxTests {
    /// The transaction that applies a page takes the node's own change sets out of the outbox (the rejected ones into
    /// the refusals list): a sync killed before it settles leaves none counted as pending.
    @Test func applyingAPageSettlesTheNodesOwnChangeSetsInTheSameTransaction() throws {
        var harness = try StoreHarness()
        let property = TestID.uuid(1, kind: 0xB)
        try harness.addProperty(property)
        let date = "2026-12-05"
        _ = try harness.store.write(
            [Catalogue.block(TestID.uuid(1, kind: 0xC), property: property, date: date, shift: .day)],
            key: harness.ownerA, now: Self.now)
        _ = try harness.store.write(
            [Catalogue.block(TestID.uuid(2, kind: 0xC), property: property, date: date, shift: .night)],
            key: harness.ownerA, now: Self.now)
        let competing = harness.log.entry(
            [Catalogue.book(TestID.uuid(1, kind: 1), property: property, date: date, shift: .day)],
            by: harness.log.admin)
        try Self.sequence(&harness, before: [competing], settling: false)
        #expect(try harness.store.outboxCounts() == (pending: 0, refused: 1))
        #expect(try harness.store.outboxListing().isEmpty)
        let at = try harness.store.writer.read { db in try Int.fetchOne(db, sql: "SELECT at FROM refusals") }
        #expect(at == Self.now.seconds)
    }

    @Test func conflictsAreCountedForTheKeysThatShouldHearOfThem() throws {
        var harness = try StoreHarness()
        let property = TestID.uuid(1, kind: 0xB)
        try harness.addProperty(property)
        try harness.apply(
            [Catalogue.book(TestID.uuid(1, kind: 1), property: property, date: "2026-12-05", shift: .day)],
            by: harness.log.admin)
        try harness.apply(
            [Catalogue.book(TestID.uuid(2, kind: 1), property: property, date: "2026-12-05", shift: .fullDay)],
            by: harness.log.admin)
        #expect(try harness.store.conflictCount(for: harness.log.admin.publicKey) == 1)
        #expect(try harness.store.conflictCount(for: harness.ownerA.publicKey) == 1)  // on its property
        #expect(try harness.store.conflictCount(for: harness.ownerB.publicKey) == 0)
        #expect(try harness.store.conflictCount(for: harness.reviewer.publicKey) == 0)
    }
}

extension OutboxTests {
    @Test func pendingChangeSetsWhoseCountersTheLogTookAreReSigned() throws {
        var harness = try StoreHarness()
        let admin = harness.log.admin
        _ = try harness.store.write([Catalogue.owner(TestID.uuid(5, kind: 0xA))], key: admin, now: Self.now)
        _ = try harness.store.write([Catalogue.owner(TestID.uuid(6, kind: 0xA))], key: admin, now: Self.now)
        #expect(try harness.store.outboxListing().map(\.counter) == [2, 3])
        #expect(try harness.store.renumberPending(key: admin, now: Self.now) == 0)  // nothing taken yet
        // The log gives counter 2 to another change set of this key (written before a restored backup).
        try harness.apply([Catalogue.owner(TestID.uuid(9, kind: 0xA))], by: admin)
        #expect(try harness.store.renumberPending(key: admin, now: Self.now) == 2)
        let listing = try harness.store.outboxListing()
        #expect(listing.map(\.counter) == [3, 4])
        #expect(listing.map(\.operations) == [["owner.put"], ["owner.put"]])
        try Self.sequence(&harness)
        #expect(try harness.store.outboxCounts() == (pending: 0, refused: 0))
    }

    @Test func droppingARefusedChangeSetRecordsItAndRenumbersTheRest() throws {
        let harness = try StoreHarness()
        let admin = harness.log.admin
        for number in 5...7 {
            _ = try harness.store.write([Catalogue.owner(TestID.uuid(number, kind: 0xA))], key: admin, now: Self.now)
        }
        let first = try #require(try harness.store.outboxListing().first)
        #expect(throws: Rejection.self) {
            try harness.store.dropFromOutbox(idPrefix: first.id, key: admin, now: Self.now)
        }
        try harness.store.recordPush(acknowledged: [], refused: (try Hex.decode(first.id), "auth.revoked"))
        let (reason, resigned) = try harness.store.dropFromOutbox(
            idPrefix: String(first.id.prefix(12)), key: admin, now: Self.now)
        #expect(reason == "auth.revoked")
        #expect(resigned == 2)
        #expect(try harness.store.outboxListing().map(\.counter) == [2, 3])
        #expect(try harness.store.outboxCounts() == (pending: 2, refused: 1))
    }
}

extension OutboxTests {
    @Test func pendingChangeSetsThatDependOnARefusedOneAreGroupedUnderIt() throws {
        var harness = try StoreHarness()
        let property = TestID.uuid(1, kind: 0xB)
        try harness.addProperty(property)
        let booking = TestID.uuid(1, kind: 1)
        let (create, _) = try harness.store.write(
            [Catalogue.book(booking, property: property, date: "2026-12-05", shift: .day)], key: harness.ownerA,
            now: Self.now)
        let payment = Operation.bookingPayment(
            BookingPayment(
                proofID: TestID.uuid(1, kind: 0xF), bookingID: booking, method: "bank", amount: 5000, sealed: []))
        let (pay, _) = try harness.store.write([payment], key: harness.ownerA, now: Self.now)
        // The relay sequences the admin's archiving first, then the create (rejected); the payment is not sent yet.
        try harness.apply(
            [.propertyArchive(PropertyArchive(propertyID: property, archived: true))], by: harness.log.admin)
        let position = try harness.store.position()
        try harness.store.apply([SequencedEntry(seq: position.appliedSeq + 1, relayTime: Self.now, changeSet: create)])
        try harness.store.settleOutbox()
        let refused = try harness.store.refusedChangeSets()
        #expect(refused.map(\.id) == [create.idHex])
        #expect(refused.first?.reason == "property.archived")
        #expect(refused.first?.dependents == [pay.idHex])
    }
}
