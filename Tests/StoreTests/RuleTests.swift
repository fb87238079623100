import GRDB
import Store
import TestSupport
import Testing

/// Value rules, references and state rules of this step's operations: each refusal with its reason code.
@Suite struct RuleTests {
    static let property = TestID.uuid(1, kind: 0xB)

    static func harness() throws -> StoreHarness {
        var harness = try StoreHarness()
        try harness.addProperty(property)
        return harness
    }

    static func book(
        _ id: String = TestID.uuid(1, kind: 1), date: String = "2026-12-05", shift: String = "Day", amount: Int = 20000,
        advance: Int = 5000, mask: String? = "567", status: String = "Pending"
    ) -> Operation {
        .bookingCreate(
            BookingCreate(
                bookingID: id, propertyID: property, date: date, shift: shift, status: status, source: "phone",
                amount: amount, advance: advance, phoneMask: mask, contact: []))
    }

    @Test(arguments: [
        (book(TestID.uuid(0xABC, kind: 0xA).uppercased()), "booking_id"),
        (book(date: "2026-02-30"), "date"),
        (book(date: "5/12/2026"), "date"),
        (book(shift: "day"), "shift"),
        (book(shift: "Evening"), "shift"),
        (book(mask: "5678"), "phone_mask"),
        (book(mask: "56a"), "phone_mask"),
        (book(status: "Waiting"), "status"),
        (Catalogue.block("not-a-uuid", property: property, date: "2026-12-05", shift: .day), "block_id"),
        (
            .propertyPrices(
                PropertyPrices(propertyID: property, prices: [WeeklyPrice(weekday: "monday", shift: "Day", amount: 1)])),
            "prices[0].weekday"
        ),
        (
            .propertyPrices(
                PropertyPrices(propertyID: property, prices: [WeeklyPrice(weekday: "mon", shift: "Day", amount: -1)])),
            "prices[0].amount"
        ),
        (.propertyPrices(PropertyPrices(propertyID: property, prices: [])), "prices"),
        (
            .propertyPriceOverride(
                PropertyPriceOverride(
                    propertyID: property, overrides: [DatePrice(date: "2026-13-01", shift: "Day", amount: 1)])),
            "overrides[0].date"
        ),
        (.ownerPut(OwnerPut(ownerID: StoreHarness.ownerAID, name: "  ", phone: "923001234567")), "name"),
        (.ownerPut(OwnerPut(ownerID: StoreHarness.ownerAID, name: "A", phone: "+92 300")), "phone"),
        (
            .ownerPut(
                OwnerPut(
                    ownerID: StoreHarness.ownerAID, name: "A", phone: "923001234567",
                    payment: PaymentAccount(method: "cash", account: "1", title: "A"))), "payment.method"
        ),
        (.keyGrant(KeyGrant(publicKey: String(repeating: "0", count: 63), role: "reviewer")), "public_key"),
        (
            .keyGrant(
                KeyGrant(
                    publicKey: try! SigningKey(seed: [UInt8](repeating: 10, count: 32)).publicKey.hex, role: "superuser"
                )), "role"
        ),
        (
            .keyGrant(
                KeyGrant(
                    publicKey: try! SigningKey(seed: [UInt8](repeating: 9, count: 32)).publicKey.hex, role: "owner")),
            "owner_id"
        ),
        (
            .keyGrant(
                KeyGrant(
                    publicKey: try! SigningKey(seed: [UInt8](repeating: 9, count: 32)).publicKey.hex, role: "admin",
                    ownerID: StoreHarness.ownerAID)), "owner_id"
        ),
        (Catalogue.property(property, owner: StoreHarness.ownerAID, holdMinutes: 0), "hold_minutes"),
        (Catalogue.property(property, owner: StoreHarness.ownerAID, advancePercent: 101), "advance_percent"),
        (
            .networkParams(
                NetworkParams(
                    networkID: "6f1c2a3e-1b0d-4c5e-9a7f-2d3b4c5d6e7f", rulesVersion: 1, timeZone: "Asia/Karachi",
                    utcOffsetMinutes: 300, codePrefix: "hb")), "code_prefix"
        ),
    ])
    func malformedValuesAreRejectedNamingTheField(operation: Operation, field: String) throws {
        var harness = try Self.harness()
        let outcome = try harness.apply([operation], by: harness.log.admin)
        #expect(outcome == .rejected(Rejection(op: 0, reason: .valueInvalid, field: field)))
    }

    @Test func referencesAndStates() throws {
        var harness = try Self.harness()
        let admin = harness.log.admin
        let unknownProperty = TestID.uuid(9, kind: 0xB)
        #expect(
            try harness.apply([Catalogue.prices(unknownProperty, amount: 1)], by: admin)
                == .rejected(op: 0, reason: .propertyUnknown))
        #expect(
            try harness.apply([Catalogue.property(unknownProperty, owner: TestID.uuid(9, kind: 0xA))], by: admin)
                == .rejected(op: 0, reason: .ownerUnknown))
        #expect(
            try harness.apply([Self.book(amount: 100, advance: 101)], by: admin)
                == .rejected(op: 0, reason: .bookingBadAdvance))
        #expect(
            try harness.apply([Self.book(amount: -1, advance: 0)], by: admin)
                == .rejected(op: 0, reason: .bookingBadAdvance))
        #expect(try harness.apply([Self.book()], by: admin) == .applied)
        #expect(
            try harness.apply([Self.book(date: "2026-12-20")], by: admin) == .rejected(op: 0, reason: .bookingExists))
        let block = TestID.uuid(1, kind: 0xC)
        #expect(
            try harness.apply(
                [Catalogue.block(block, property: Self.property, date: "2026-12-08", shift: .day)], by: admin)
                == .applied)
        #expect(
            try harness.apply(
                [Catalogue.block(block, property: Self.property, date: "2026-12-09", shift: .day)], by: admin)
                == .rejected(op: 0, reason: .blockExists))
        #expect(try harness.apply([.slotUnblock(SlotUnblock(blockID: block))], by: admin) == .applied)
        #expect(try harness.shiftState(Self.property, "2026-12-08", .day) == .free(price: 20000))
        #expect(
            try harness.apply([.slotUnblock(SlotUnblock(blockID: block))], by: admin)
                == .rejected(op: 0, reason: .blockUnknown))
        #expect(
            try harness.apply([.slotUnblock(SlotUnblock(blockID: TestID.uuid(7, kind: 0xC)))], by: admin)
                == .rejected(op: 0, reason: .blockUnknown))
        #expect(
            try harness.apply([.keyRevoke(KeyRevoke(publicKey: String(repeating: "ab", count: 32)))], by: admin)
                == .rejected(op: 0, reason: .keyUnknown))
        #expect(
            try harness.apply([Catalogue.grant(harness.reviewer, role: "reviewer")], by: admin)
                == .rejected(op: 0, reason: .keyExists))
        let otherNetwork = NetworkParams(
            networkID: TestID.uuid(1, kind: 0xD), rulesVersion: 1, timeZone: "Asia/Karachi", utcOffsetMinutes: 300,
            codePrefix: "HB")
        #expect(
            try harness.apply([.networkParams(otherNetwork)], by: admin) == .rejected(op: 0, reason: .paramsNetworkID))
        var upgrade = otherNetwork
        upgrade.networkID = "6f1c2a3e-1b0d-4c5e-9a7f-2d3b4c5d6e7f"
        upgrade.rulesVersion = 2
        #expect(try harness.apply([.networkParams(upgrade)], by: admin) == .applied)
        upgrade.rulesVersion = 1
        #expect(
            try harness.apply([.networkParams(upgrade)], by: admin) == .rejected(op: 0, reason: .paramsRulesDowngrade))
    }

    @Test func archivedPropertiesTakeNoBookingsOrBlocks() throws {
        var harness = try Self.harness()
        try harness.apply(
            [.propertyArchive(PropertyArchive(propertyID: Self.property, archived: true))], by: harness.ownerA)
        #expect(try harness.apply([Self.book()], by: harness.ownerA) == .rejected(op: 0, reason: .propertyArchived))
        #expect(
            try harness.apply(
                [Catalogue.block(TestID.uuid(1, kind: 0xC), property: Self.property, date: "2026-12-08", shift: .day)],
                by: harness.ownerA) == .rejected(op: 0, reason: .propertyArchived))
        // Editing the property keeps it archived; restoring it takes bookings again.
        try harness.apply([Catalogue.property(Self.property, owner: StoreHarness.ownerAID)], by: harness.ownerA)
        #expect(try harness.apply([Self.book()], by: harness.ownerA) == .rejected(op: 0, reason: .propertyArchived))
        try harness.apply(
            [.propertyArchive(PropertyArchive(propertyID: Self.property, archived: false))], by: harness.ownerA)
        #expect(try harness.apply([Self.book()], by: harness.ownerA) == .applied)
    }

    @Test func createHoldsUntilRelayTimePlusHoldMinutesAndCancelFreesTheUnits() throws {
        var harness = try Self.harness()
        try harness.apply([Self.book()], by: harness.ownerA)
        let row = try #require(try harness.booking(TestID.uuid(1, kind: 1)))
        #expect(row["hold_until"] == harness.log.time.seconds + 30 * 60)
        #expect((row["code"] as String).hasPrefix("HB-"))
        #expect(row["code"] == BookingCode.candidate(0, for: TestID.uuid(1, kind: 1)))

        let confirmed = TestID.uuid(2, kind: 1)
        try harness.apply([Self.book(confirmed, date: "2026-12-06", status: "Confirmed")], by: harness.ownerA)
        #expect(try harness.booking(confirmed)?["hold_until"] as Int? == nil)

        let cancel = Operation.bookingCancel(
            BookingCancel(bookingID: TestID.uuid(1, kind: 1), reason: "customer called"))
        #expect(try harness.apply([cancel], by: harness.ownerA) == .applied)
        #expect(try harness.booking(TestID.uuid(1, kind: 1))?["status"] == "Cancelled")
        #expect(try harness.shiftState(Self.property, "2026-12-05", .day) == .free(price: 20000))
        #expect(try harness.apply([cancel], by: harness.ownerA) == .rejected(op: 0, reason: .bookingNotCancellable))
        #expect(try harness.apply([Self.book(TestID.uuid(3, kind: 1))], by: harness.ownerA) == .applied)
        let unknown = Operation.bookingCancel(BookingCancel(bookingID: TestID.uuid(8, kind: 1), reason: "x"))
        #expect(try harness.apply([unknown], by: harness.ownerA) == .rejected(op: 0, reason: .bookingUnknown))
    }

    @Test func aConflictedBookingHoldsNothingAndCannotBeCancelled() throws {
        var harness = try Self.harness()
        try harness.apply([Self.book()], by: harness.ownerA)
        let loser = TestID.uuid(2, kind: 1)
        #expect(try harness.apply([Self.book(loser, shift: "Full Day")], by: harness.ownerA) == .conflicted)
        #expect(try harness.booking(loser)?["hold_until"] as Int? == nil)
        // Its night unit stays free.
        #expect(try harness.shiftState(Self.property, "2026-12-05", .night) == .free(price: 20000))
        let cancel = Operation.bookingCancel(BookingCancel(bookingID: loser, reason: "x"))
        #expect(try harness.apply([cancel], by: harness.ownerA) == .rejected(op: 0, reason: .bookingNotCancellable))
    }

    @Test func quotesRoundTheAdvanceUpAndPreferTheOwnersAccount() throws {
        var harness = try Self.harness()
        let date = CalendarDate("2026-12-05")!  // a Saturday
        try harness.apply(
            [
                .propertyPrices(
                    PropertyPrices(
                        propertyID: Self.property, prices: [WeeklyPrice(weekday: "sat", shift: "Night", amount: 33333)])
                )
            ], by: harness.ownerA)
        let quote = try #require(try harness.store.quote(propertyID: Self.property, date: date, shift: .night))
        #expect(quote.amount == 33333)
        #expect(quote.advance == 8334)  // ceil(33333 × 25 / 100)
        #expect(quote.payee == PaymentAccount(method: "easypaisa", account: "03001234567", title: "HutSync"))
        try harness.apply(
            [
                .propertyPriceOverride(
                    PropertyPriceOverride(
                        propertyID: Self.property,
                        overrides: [DatePrice(date: "2026-12-05", shift: "Night", amount: 50000)]))
            ], by: harness.ownerA)
        let account = PaymentAccount(method: "jazzcash", account: "03011234567", title: "Ahmed")
        try harness.apply(
            [
                .ownerPut(
                    OwnerPut(ownerID: StoreHarness.ownerAID, name: "Ahmed", phone: "923001234567", payment: account))
            ], by: harness.ownerA)
        let override = try #require(try harness.store.quote(propertyID: Self.property, date: date, shift: .night))
        #expect(override == Quote(amount: 50000, advance: 12500, payee: account))
        #expect(
            try harness.store.quote(propertyID: Self.property, date: date.adding(days: 1), shift: .night)?.amount
                == 20000)
    }
}

/// What a correct relay can never produce stops the replica instead of becoming an outcome.
@Suite struct ContinuityTests {
    @Test func aSequenceGapOrRelayTimeGoingBackStops() throws {
        let harness = try StoreHarness()
        var skipping = harness.log
        _ = skipping.entry([Catalogue.owner(TestID.uuid(5, kind: 0xA))], by: harness.log.admin)
        let afterGap = skipping.entry([Catalogue.owner(TestID.uuid(6, kind: 0xA))], by: harness.log.admin)
        #expect(Self.code { try harness.store.apply([afterGap]) } == .integrity)

        var backwards = harness.log
        backwards.time = UTCTime(seconds: harness.log.time.seconds - 100)
        let late = backwards.entry([Catalogue.owner(TestID.uuid(6, kind: 0xA))], by: harness.log.admin)
        #expect(Self.code { try harness.store.apply([late]) } == .integrity)
        #expect(try harness.store.position().appliedSeq == harness.log.seq)
    }

    @Test func aCounterThatIsNotPreviousPlusOneStops() throws {
        var harness = try StoreHarness()
        try harness.apply([Catalogue.owner(StoreHarness.ownerAID, name: "Ahmed")], by: harness.ownerA)  // counter 1
        for counter in [1, 3] {
            let entry = SequencedEntry(
                seq: harness.log.seq + 1, relayTime: harness.log.time,
                changeSet: try SignedChangeSet(
                    signing: ChangeSet(
                        author: harness.ownerA.publicKey, counter: counter, baseSeq: 0,
                        baseHash: [UInt8](repeating: 0, count: 32), time: harness.log.time,
                        ops: [Catalogue.owner(StoreHarness.ownerAID)]),
                    with: harness.ownerA))
            #expect(Self.code { try harness.store.apply([entry]) } == .integrity, "counter \(counter)")
        }
        #expect(try harness.store.position().appliedSeq == harness.log.seq)
    }

    /// Within one page (one batch, where each author's last counter is remembered rather than read per entry), the
    /// counters of interleaved authors must still each go up by one: a repeat or a gap anywhere stops the page.
    @Test(arguments: [[2, 3, 4], [2, 3, 3], [2, 4, 5], [3, 4, 5]])
    func countersWithinOnePageGoUpByOne(counters: [Int]) throws {
        var harness = try StoreHarness()
        try harness.apply([Catalogue.owner(StoreHarness.ownerAID, name: "Ahmed")], by: harness.ownerA)  // counter 1
        let start = harness.log.seq
        var seq = start
        func entry(_ key: SigningKey, _ counter: Int) throws -> SequencedEntry {
            seq += 1
            return SequencedEntry(
                seq: seq, relayTime: harness.log.time,
                changeSet: try SignedChangeSet(
                    signing: ChangeSet(
                        author: key.publicKey, counter: counter, baseSeq: 0,
                        baseHash: [UInt8](repeating: 0, count: 32), time: harness.log.time,
                        ops: [Catalogue.owner(TestID.uuid(seq, kind: 0xA))]),
                    with: key))
        }
        // The reviewer's own counters (1, 2) between the owner's.
        let page = [
            try entry(harness.ownerA, counters[0]), try entry(harness.reviewer, 1),
            try entry(harness.ownerA, counters[1]), try entry(harness.reviewer, 2),
            try entry(harness.ownerA, counters[2]),
        ]
        if counters == [2, 3, 4] {
            #expect(try harness.store.apply(page).count == 5)
            #expect(try harness.store.position().appliedSeq == start + 5)
        } else {
            #expect(Self.code { try harness.store.apply(page) } == .integrity)
            #expect(try harness.store.position().appliedSeq == start)
        }
    }

    @Test func aGenesisOfTheWrongShapeIsRefused() throws {
        let directory = TemporaryDirectory()
        let store = try ReplicaStore(path: directory.file("replica.sqlite"))
        var log = LogBuilder()
        // Authored by the admin, not by the key the relay grant names.
        let wrongAuthor = log.entry(
            [
                .networkParams(
                    NetworkParams(
                        networkID: TestID.uuid(1), rulesVersion: 1, timeZone: "Asia/Karachi", utcOffsetMinutes: 300,
                        codePrefix: "HB")),
                Catalogue.grant(log.relay, role: "relay"), Catalogue.grant(log.admin, role: "admin"),
            ], by: log.admin)
        #expect(Self.code { try store.apply([wrongAuthor]) } == .integrity)
        var reordered = LogBuilder()
        let swapped = reordered.entry(
            [
                Catalogue.grant(reordered.relay, role: "relay"),
                .networkParams(
                    NetworkParams(
                        networkID: TestID.uuid(1), rulesVersion: 1, timeZone: "Asia/Karachi", utcOffsetMinutes: 300,
                        codePrefix: "HB")),
                Catalogue.grant(reordered.admin, role: "admin"),
            ], by: reordered.relay)
        #expect(Self.code { try store.apply([swapped]) } == .integrity)
        #expect(try store.position().appliedSeq == 0)
        var good = LogBuilder()
        try store.apply([good.genesis(payee: false)])
        #expect(try store.position().appliedSeq == 1)
    }

    static func code(_ body: () throws -> Void) -> StoreError.Code? { thrown(StoreError.self, by: body)?.code }
}
