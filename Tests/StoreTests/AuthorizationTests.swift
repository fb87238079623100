import GRDB
import Store
import TestSupport
import Testing

/// Each operation of this step by each kind of author, as outcomes (domain.md, "Who may do what").
@Suite struct AuthorizationTests {
    enum Who: String, CaseIterable, CustomStringConvertible {
        case admin, relay, reviewer, owner, otherOwner
        var description: String { rawValue }
    }

    static let property = TestID.uuid(1, kind: 0xB)
    static let block = TestID.uuid(1, kind: 0xC)
    static let booking = TestID.uuid(1, kind: 0x1)

    /// A harness with owner A's property, a live block and a Pending booking on it.
    static func harness() throws -> StoreHarness {
        var harness = try StoreHarness()
        try harness.addProperty(property)
        try harness.apply(
            [Catalogue.block(block, property: property, date: "2026-12-10", shift: .day)], by: harness.ownerA)
        try harness.apply(
            [Catalogue.book(booking, property: property, date: "2026-12-11", shift: .day)], by: harness.ownerA)
        return harness
    }

    static func key(_ who: Who, in harness: StoreHarness) -> SigningKey {
        switch who {
        case .admin: harness.log.admin
        case .relay: harness.log.relay
        case .reviewer: harness.reviewer
        case .owner: harness.ownerA
        case .otherOwner: harness.ownerB
        }
    }

    static func operation(_ name: String, harness: StoreHarness) -> Operation {
        let newKey = try! SigningKey(seed: [UInt8](repeating: 0x09, count: 32))
        switch name {
        case "network.params":
            return .networkParams(
                NetworkParams(
                    networkID: "6f1c2a3e-1b0d-4c5e-9a7f-2d3b4c5d6e7f", rulesVersion: 2, timeZone: "Asia/Karachi",
                    utcOffsetMinutes: 300, codePrefix: "HB"))
        case "platform.payee":
            return .platformPayee(
                PlatformPayee(payee: PaymentAccount(method: "bank", account: "PK36", title: "HutSync")))
        case "key.grant": return Catalogue.grant(newKey, role: "reviewer")
        case "key.revoke": return .keyRevoke(KeyRevoke(publicKey: harness.reviewer.publicKey.hex))
        case "owner.put": return Catalogue.owner(StoreHarness.ownerAID, name: "Renamed")
        case "property.put": return Catalogue.property(property, owner: StoreHarness.ownerAID, holdMinutes: 45)
        case "property.prices": return Catalogue.prices(property, amount: 30000)
        case "property.price_override":
            return .propertyPriceOverride(
                PropertyPriceOverride(
                    propertyID: property, overrides: [DatePrice(date: "2026-12-25", shift: "Day", amount: 1)]))
        case "property.amenities":
            return .propertyAmenities(PropertyAmenities(propertyID: property, amenities: ["pool"]))
        case "property.media":
            return .propertyMedia(PropertyMedia(propertyID: property, photos: ["https://p/1.jpg"], videos: []))
        case "property.archive": return .propertyArchive(PropertyArchive(propertyID: property, archived: true))
        case "slot.block":
            return Catalogue.block(TestID.uuid(2, kind: 0xC), property: property, date: "2026-12-12", shift: .day)
        case "slot.unblock": return .slotUnblock(SlotUnblock(blockID: block))
        case "booking.create":
            return Catalogue.book(TestID.uuid(2, kind: 0x1), property: property, date: "2026-12-12", shift: .night)
        case "booking.cancel": return .bookingCancel(BookingCancel(bookingID: booking, reason: "plans changed"))
        default: fatalError("no case for \(name)")
        }
    }

    /// The expected outcome, written out from the permission table.
    static func expected(_ name: String, _ who: Who) -> Outcome {
        let rejected = { (reason: ReasonCode) in Outcome.rejected(op: 0, reason: reason) }
        switch (name, who) {
        case (_, .admin): return .applied
        case ("network.params", _), ("platform.payee", _), ("key.grant", _), ("key.revoke", _):
            return rejected(.authRole)
        case ("booking.create", .relay): return rejected(.authSource)  // a phone booking: not a customer channel
        case ("booking.create", .reviewer): return rejected(.authRole)
        case ("booking.cancel", .relay): return rejected(.authCustomerRef)
        case ("booking.cancel", .reviewer): return .applied
        case (_, .relay), (_, .reviewer): return rejected(.authRole)
        case (_, .owner): return .applied
        case (_, .otherOwner): return rejected(.authNotOwner)
        }
    }

    static let names = [
        "network.params", "platform.payee", "key.grant", "key.revoke", "owner.put", "property.put", "property.prices",
        "property.price_override", "property.amenities", "property.media", "property.archive", "slot.block",
        "slot.unblock", "booking.create", "booking.cancel",
    ]

    @Test(arguments: names, Who.allCases)
    func permission(name: String, who: Who) throws {
        var harness = try Self.harness()
        let before = try harness.store.position().digest
        let outcome = try harness.apply([Self.operation(name, harness: harness)], by: Self.key(who, in: harness))
        #expect(outcome == Self.expected(name, who))
        if case .rejected = outcome {
            #expect(try harness.store.position().digest == before, "a rejected change set changed the state")
        } else {
            #expect(try harness.store.position().digest != before, "an applied change set changed nothing")
        }
    }

    @Test func theRelayCreatesOnlyPendingCustomerBookingsWithACustomerRef() throws {
        var harness = try Self.harness()
        let reference = String(repeating: "ab", count: 32)
        let relay = harness.log.relay
        let confirmed = Catalogue.book(
            TestID.uuid(3, kind: 1), property: Self.property, date: "2026-12-13", shift: .day, status: "Confirmed",
            source: "whatsapp", customerRef: reference)
        #expect(try harness.apply([confirmed], by: relay) == .rejected(op: 0, reason: .authStatus))
        let anonymous = Catalogue.book(
            TestID.uuid(3, kind: 1), property: Self.property, date: "2026-12-13", shift: .day, source: "webchat")
        #expect(try harness.apply([anonymous], by: relay) == .rejected(op: 0, reason: .authCustomerRef))
        let good = Catalogue.book(
            TestID.uuid(3, kind: 1), property: Self.property, date: "2026-12-13", shift: .day, source: "webchat",
            customerRef: reference)
        #expect(try harness.apply([good], by: relay) == .applied)
    }

    @Test func aCustomerCancelsOnlyTheirOwnPendingBooking() throws {
        var harness = try Self.harness()
        let mine = String(repeating: "ab", count: 32)
        let theirs = String(repeating: "cd", count: 32)
        let id = TestID.uuid(3, kind: 1)
        let relay = harness.log.relay
        try harness.apply(
            [
                Catalogue.book(
                    id, property: Self.property, date: "2026-12-13", shift: .day, source: "whatsapp", customerRef: mine)
            ], by: relay)
        let wrong = Operation.bookingCancel(BookingCancel(bookingID: id, reason: "no", customerRef: theirs))
        #expect(try harness.apply([wrong], by: relay) == .rejected(op: 0, reason: .authCustomerRef))
        let right = Operation.bookingCancel(BookingCancel(bookingID: id, reason: "no", customerRef: mine))
        #expect(try harness.apply([right], by: relay) == .applied)
        #expect(try harness.apply([right], by: relay) == .rejected(op: 0, reason: .bookingNotPending))
        // An owner's phone booking carries no customer_ref: the relay can never cancel it.
        let ownersBooking = Operation.bookingCancel(
            BookingCancel(bookingID: Self.booking, reason: "no", customerRef: mine))
        #expect(try harness.apply([ownersBooking], by: relay) == .rejected(op: 0, reason: .authCustomerRef))
    }

    @Test func revokedAndUnknownKeys() throws {
        var harness = try Self.harness()
        try harness.apply([.keyRevoke(KeyRevoke(publicKey: harness.ownerA.publicKey.hex))], by: harness.log.admin)
        #expect(
            try harness.apply([Catalogue.prices(Self.property, amount: 1)], by: harness.ownerA)
                == .rejected(op: 0, reason: .authRevoked))
        let stranger = try SigningKey(seed: [UInt8](repeating: 0x0F, count: 32))
        #expect(
            try harness.apply([Catalogue.prices(Self.property, amount: 1)], by: stranger)
                == .rejected(op: 0, reason: .authUnknownKey))
        // Revoked stays revoked: neither re-granted nor revoked again.
        #expect(
            try harness.apply(
                [Catalogue.grant(harness.ownerA, role: "owner", owner: StoreHarness.ownerAID)], by: harness.log.admin)
                == .rejected(op: 0, reason: .keyRevoked))
        #expect(
            try harness.apply([.keyRevoke(KeyRevoke(publicKey: harness.ownerA.publicKey.hex))], by: harness.log.admin)
                == .rejected(op: 0, reason: .keyRevoked))
    }

    @Test func aChangeSetIsAtomic() throws {
        var harness = try Self.harness()
        let before = try harness.store.position().digest
        let ops = [
            Catalogue.prices(Self.property, amount: 99),
            Catalogue.block(TestID.uuid(5, kind: 0xC), property: Self.property, date: "2026-12-11", shift: .fullDay),
        ]
        let outcome = try harness.apply(ops, by: harness.ownerA)
        #expect(
            outcome
                == .rejected(
                    Rejection(
                        op: 1, reason: .slotTaken, holders: [try #require(try harness.booking(Self.booking))["code"]])))
        #expect(try harness.store.position().digest == before)
        #expect(
            try harness.store.quote(propertyID: Self.property, date: CalendarDate("2026-12-20")!, shift: .day)?.amount
                == 20000)
    }
}
