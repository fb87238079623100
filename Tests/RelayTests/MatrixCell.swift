import Store
import TestSupport
import Wire

/// One cell of the matrix: a variant signed by a role. Each cell acts on subjects of its own (a property, a booking
/// on a date no other cell uses, a block, a key), made before any cell runs, so no cell's outcome depends on another's.
struct MatrixCell: CustomStringConvertible {
    let variant: MatrixVariant
    let role: MatrixRole
    /// Unique over the matrix: derives every id the cell uses.
    let number: Int

    static let ownerA = TestID.uuid(1, kind: 0xA)
    static let ownerB = TestID.uuid(2, kind: 0xA)
    /// Owner A's property that every booking cell books on (each cell on its own date).
    static let bookingProperty = TestID.uuid(1, kind: 0xE)

    var description: String { "\(variant) by \(role)" }

    /// A property of its own for the catalogue cells; the shared booking property for the others.
    var property: String {
        Self.catalogueVariants.contains(variant) ? TestID.uuid(number, kind: 0xB) : Self.bookingProperty
    }
    var booking: String { TestID.uuid(number, kind: 0x1) }
    var newBooking: String { TestID.uuid(number, kind: 0x2) }
    var winner: String { TestID.uuid(number, kind: 0x3) }
    var block: String { TestID.uuid(number, kind: 0xC) }
    var proof: String { TestID.uuid(number, kind: 0xF) }
    /// A day no other cell books, all of them months before today (so `booking.complete` may apply).
    var date: String { Self.firstDay.adding(days: number).description }
    static let firstDay = CalendarDate(dayNumber: UTCTime.now().seconds / 86_400 - 400)
    var customerRef: String { Self.hex64(number) }
    var otherCustomerRef: String { Self.hex64(1_000_000 + number) }
    /// The key a `key.grant` cell grants, and the reviewer key a `key.revoke` cell revokes.
    var grantedKey: SigningKey { Self.key(0x60, number) }
    var revokedSubject: SigningKey { Self.key(0x61, number) }

    static let catalogueVariants: Set<MatrixVariant> = [
        .propertyEdit, .propertyNew, .prices, .override, .amenities, .media, .archive, .block, .unblock,
    ]

    static func hex64(_ value: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 64 - digits.count) + digits
    }

    static func key(_ tag: UInt8, _ number: Int) -> SigningKey {
        try! SigningKey(seed: [tag, UInt8(number & 0xFF), UInt8(number >> 8)] + [UInt8](repeating: 0x5A, count: 29))
    }

    // MARK: The subject, made before the cells run

    /// Who writes a part of the set-up, in this order.
    enum Phase: CaseIterable {
        /// Admin: the cells' own properties and the keys `key.revoke` cells revoke.
        case catalogue
        /// Owner A: blocks to remove, phone and walk-in bookings, the winners of reinstate cells.
        case owner
        /// The relay, for customers: whatsapp bookings with their customer_ref.
        case customer
        /// Owner A: the bookings that lose to the winners (Conflicted).
        case losers
        /// Admin: payment proofs, and cancelling the winners so the losers' slots are free.
        case settle
    }

    func setUp(_ phase: Phase) -> [Operation] {
        switch (phase, variant) {
        case (.catalogue, .keyRevoke): [Catalogue.grant(revokedSubject, role: "reviewer")]
        case (.catalogue, _) where Self.catalogueVariants.contains(variant) && variant != .propertyNew:
            [Catalogue.property(property, owner: Self.ownerA)]
        case (.owner, .unblock): [Catalogue.block(block, property: property, date: date, shift: .day)]
        case (.owner, .paymentPhone), (.owner, .extractedPhone), (.owner, .cancelPhone), (.owner, .expire):
            [book(booking, status: "Pending", source: "phone")]
        case (.owner, .complete): [book(booking, status: "Confirmed", source: "walk_in")]
        case (.owner, .reinstate): [book(winner, status: "Pending", source: "phone")]
        case (.customer, .paymentCustomer), (.customer, .extractedCustomer), (.customer, .confirm),
            (.customer, .rejectPayment), (.customer, .cancelOwnReference), (.customer, .cancelOtherReference),
            (.customer, .cancelWaiting):
            [book(booking, status: "Pending", source: "whatsapp", customerRef: customerRef)]
        case (.losers, .reinstate): [book(booking, status: "Pending", source: "phone")]
        case (.settle, .extractedPhone), (.settle, .extractedCustomer), (.settle, .rejectPayment),
            (.settle, .cancelWaiting):
            [payment]
        case (.settle, .reinstate): [.bookingCancel(BookingCancel(bookingID: winner, reason: "made way"))]
        default: []
        }
    }

    private func book(_ id: String, status: String, source: String, customerRef: String? = nil) -> Operation {
        Catalogue.book(
            id, property: property, date: date, shift: .day, status: status, source: source, customerRef: customerRef)
    }

    private var payment: Operation {
        .bookingPayment(
            BookingPayment(proofID: proof, bookingID: booking, method: "easypaisa", amount: 5000, sealed: []))
    }

    // MARK: The cell's operation

    /// The one operation the cell's author signs; `networkID` is the network's (a `network.params` must keep it).
    func operation(networkID: String) -> Operation {
        switch variant {
        case .networkParams:
            .networkParams(
                NetworkParams(
                    networkID: networkID, rulesVersion: 2, timeZone: "Asia/Karachi", utcOffsetMinutes: 300,
                    codePrefix: "HB"))
        case .platformPayee:
            .platformPayee(
                PlatformPayee(payee: PaymentAccount(method: "bank", account: "PK\(number)", title: "HutSync")))
        case .keyGrant: Catalogue.grant(grantedKey, role: "reviewer")
        case .keyRevoke: .keyRevoke(KeyRevoke(publicKey: revokedSubject.publicKey.hex))
        case .ownerPut: Catalogue.owner(Self.ownerA, name: "Owner \(number)")
        case .propertyEdit: Catalogue.property(property, owner: Self.ownerA, holdMinutes: 45)
        case .propertyNew: Catalogue.property(property, owner: Self.ownerA)
        case .prices: Catalogue.prices(property, amount: 30000)
        case .override:
            .propertyPriceOverride(
                PropertyPriceOverride(
                    propertyID: property, overrides: [DatePrice(date: "2026-12-25", shift: "Day", amount: 1)]))
        case .amenities: .propertyAmenities(PropertyAmenities(propertyID: property, amenities: ["pool"]))
        case .media: .propertyMedia(PropertyMedia(propertyID: property, photos: ["https://p/1.jpg"], videos: []))
        case .archive: .propertyArchive(PropertyArchive(propertyID: property, archived: true))
        case .block: Catalogue.block(block, property: property, date: date, shift: .day)
        case .unblock: .slotUnblock(SlotUnblock(blockID: block))
        case .createPhone: book(newBooking, status: "Pending", source: "phone")
        case .createWalkIn: book(newBooking, status: "Confirmed", source: "walk_in")
        case .createCustomer: book(newBooking, status: "Pending", source: "whatsapp", customerRef: customerRef)
        case .createCustomerConfirmed:
            book(newBooking, status: "Confirmed", source: "whatsapp", customerRef: customerRef)
        case .createWithoutReference: book(newBooking, status: "Pending", source: "webchat")
        case .paymentPhone, .paymentCustomer: payment
        case .extractedPhone, .extractedCustomer:
            .paymentExtracted(PaymentExtracted(proofID: proof, bookingID: booking, amount: 5000))
        case .confirm: .bookingConfirm(BookingConfirm(bookingID: booking))
        case .rejectPayment: .bookingRejectPayment(BookingRejectPayment(bookingID: booking, reason: "no money arrived"))
        case .cancelPhone: .bookingCancel(BookingCancel(bookingID: booking, reason: "plans changed"))
        case .cancelOwnReference, .cancelWaiting:
            .bookingCancel(BookingCancel(bookingID: booking, reason: "plans changed", customerRef: customerRef))
        case .cancelOtherReference:
            .bookingCancel(BookingCancel(bookingID: booking, reason: "plans changed", customerRef: otherCustomerRef))
        case .expire: .bookingExpire(BookingExpire(bookingID: booking))
        case .complete: .bookingComplete(BookingComplete(bookingID: booking))
        case .reinstate: .bookingReinstate(BookingReinstate(bookingID: booking, status: "Pending"))
        }
    }
}
