import GRDB
import Store
import TestSupport
import Testing

/// The lifecycle and payment operations by each kind of author, on owner A's property, as outcomes.
@Suite struct LifecyclePermissionTests {
    typealias Who = AuthorizationTests.Who
    static let property = TestID.uuid(1, kind: 0xB)
    static let booking = TestID.uuid(1, kind: 1)

    /// A harness whose booking is in the state `name` needs, and the operation, at a relay time it applies at.
    static func setUp(_ name: String) throws -> (StoreHarness, Operation, at: Int) {
        var harness = try StoreHarness()
        try harness.addProperty(property)
        let confirmed = name == "booking.complete"
        try harness.book(
            booking, property: property, date: "2026-11-25", shift: .day, status: confirmed ? "Confirmed" : "Pending")
        let later = harness.log.time.seconds + 86_400  // past the hold and the shift's end
        let proof = TestID.uuid(1, kind: 0xF)
        let payment = Operation.bookingPayment(
            BookingPayment(proofID: proof, bookingID: booking, method: "bank", amount: 5000, sealed: []))
        switch name {
        case "booking.payment": return (harness, payment, later)
        case "payment.extracted":
            try harness.apply([payment], by: harness.ownerA)
            return (
                harness, .paymentExtracted(PaymentExtracted(proofID: proof, bookingID: booking, amount: 5000)), later
            )
        case "booking.confirm": return (harness, .bookingConfirm(BookingConfirm(bookingID: booking)), later)
        case "booking.reject_payment":
            try harness.apply([payment], by: harness.ownerA)
            return (harness, .bookingRejectPayment(BookingRejectPayment(bookingID: booking, reason: "x")), later)
        case "booking.expire": return (harness, .bookingExpire(BookingExpire(bookingID: booking)), later)
        case "booking.complete": return (harness, .bookingComplete(BookingComplete(bookingID: booking)), later)
        case "booking.reinstate":
            let loser = TestID.uuid(2, kind: 1)
            try harness.book(loser, property: property, date: "2026-11-25", shift: .day)
            try harness.apply([.bookingCancel(BookingCancel(bookingID: booking, reason: "x"))], by: harness.ownerA)
            return (harness, .bookingReinstate(BookingReinstate(bookingID: loser, status: "Pending")), later)
        default: fatalError("no case for \(name)")
        }
    }

    /// Written out from domain.md's table.
    static func expected(_ name: String, _ who: Who) -> Outcome {
        let rejected = { (reason: ReasonCode) in Outcome.rejected(op: 0, reason: reason) }
        let roles: [String: Set<Who>] = [
            "booking.payment": [.admin, .owner, .reviewer, .relay],
            "payment.extracted": [.admin, .owner, .reviewer, .relay],
            "booking.confirm": [.admin, .owner, .reviewer],
            "booking.reject_payment": [.admin, .owner, .reviewer],
            "booking.expire": [.admin, .relay],
            "booking.complete": [.admin, .owner, .relay],
            "booking.reinstate": [.admin, .owner],
        ]
        let mayAct = roles[name]!.contains(who == .otherOwner ? .owner : who)
        guard mayAct else { return rejected(.authRole) }
        switch who {
        case .otherOwner: return rejected(.authNotOwner)
        // A phone booking: the relay records proofs only for customer-channel bookings.
        case .relay where name == "booking.payment" || name == "payment.extracted": return rejected(.authSource)
        default: return .applied
        }
    }

    static let names = [
        "booking.payment", "payment.extracted", "booking.confirm", "booking.reject_payment", "booking.expire",
        "booking.complete", "booking.reinstate",
    ]

    @Test(arguments: names, Who.allCases)
    func permission(name: String, who: Who) throws {
        var (harness, operation, at) = try Self.setUp(name)
        let before = try harness.store.position().digest
        let outcome = try harness.apply([operation], by: AuthorizationTests.key(who, in: harness), at: at)
        #expect(outcome == Self.expected(name, who))
        #expect((try harness.store.position().digest == before) == (outcome != .applied))
    }
}
