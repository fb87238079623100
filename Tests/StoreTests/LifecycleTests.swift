import GRDB
import Store
import TestSupport
import Testing

/// Every lifecycle transition of domain.md, allowed and refused, with its reason code and time conditions.
@Suite struct LifecycleTests {
    static let property = TestID.uuid(1, kind: 0xB)
    static let id = TestID.uuid(1, kind: 1)
    static let other = TestID.uuid(2, kind: 1)

    static func harness() throws -> StoreHarness {
        var harness = try StoreHarness()
        try harness.addProperty(property)
        return harness
    }

    static func pay(_ booking: String = id, proof: Int, amount: Int? = 5000, txn: String? = nil) -> Operation {
        .bookingPayment(
            BookingPayment(
                proofID: TestID.uuid(proof, kind: 0xF), bookingID: booking, method: "easypaisa", amount: amount,
                txnHash: txn, sealed: []))
    }

    static func confirm(_ booking: String = id, acceptDuplicate: Bool = false) -> Operation {
        .bookingConfirm(BookingConfirm(bookingID: booking, acceptDuplicate: acceptDuplicate))
    }

    static let expire = Operation.bookingExpire(BookingExpire(bookingID: id))
    static let complete = Operation.bookingComplete(BookingComplete(bookingID: id))
    static func reject(_ booking: String = id) -> Operation {
        .bookingRejectPayment(BookingRejectPayment(bookingID: booking, reason: "no money arrived"))
    }

    @Test func expiryIsJudgedByTheEntrysRelayTimeAgainstHoldUntil() throws {
        var harness = try Self.harness()
        try harness.book(Self.id, property: Self.property, date: "2026-12-05", shift: .day)
        let holdUntil: Int = try #require(try harness.booking(Self.id))["hold_until"]
        #expect(holdUntil == harness.log.time.seconds + 30 * 60)
        let relay = harness.log.relay
        #expect(
            try harness.apply([Self.expire], by: relay, at: holdUntil - 1)
                == .rejected(op: 0, reason: .bookingHoldNotOver))
        #expect(try harness.status(Self.id) == "Pending")
        #expect(try harness.apply([Self.expire], by: relay, at: holdUntil) == .applied)
        #expect(try harness.status(Self.id) == "Expired")
        #expect(try harness.shiftState(Self.property, "2026-12-05", .day) == .free(price: 20000))
        #expect(try harness.apply([Self.expire], by: relay) == .rejected(op: 0, reason: .bookingNotPending))
    }

    @Test func aProofMovesPendingToWaitingAndKeepsHistory() throws {
        var harness = try Self.harness()
        try harness.book(Self.id, property: Self.property, date: "2026-12-05", shift: .day)
        #expect(try harness.apply([Self.pay(proof: 1)], by: harness.ownerA) == .applied)
        #expect(try harness.status(Self.id) == "Waiting")
        #expect(try harness.apply([Self.pay(proof: 2)], by: harness.ownerA) == .applied)
        #expect(try harness.status(Self.id) == "Waiting")
        #expect(try harness.booking(Self.id)?["current_proof"] == TestID.uuid(2, kind: 0xF))
        let proofs = try harness.store.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM payment_proofs WHERE booking_id = ?", arguments: [Self.id])
        }
        #expect(proofs == 2)
        #expect(try harness.apply([Self.pay(proof: 2)], by: harness.ownerA) == .rejected(op: 0, reason: .proofExists))
        // Waiting is never expired.
        #expect(
            try harness.apply([Self.expire], by: harness.log.relay, at: harness.log.time.seconds + 86_400)
                == .rejected(op: 0, reason: .bookingNotPending))
    }

    @Test func rejectingAPaymentRestartsTheHoldFromThatEntry() throws {
        var harness = try Self.harness()
        try harness.book(Self.id, property: Self.property, date: "2026-12-05", shift: .day)
        #expect(try harness.apply([Self.reject()], by: harness.ownerA) == .rejected(op: 0, reason: .bookingNotWaiting))
        try harness.apply([Self.pay(proof: 1)], by: harness.ownerA)
        let rejectedAt = harness.log.time.seconds + 3600
        #expect(try harness.apply([Self.reject()], by: harness.reviewer, at: rejectedAt) == .applied)
        let row = try #require(try harness.booking(Self.id))
        #expect(row["status"] == "Pending")
        #expect(row["hold_until"] == rejectedAt + 30 * 60)
        #expect(row["reject_reason"] == "no money arrived")
        #expect(
            try harness.apply([Self.expire], by: harness.log.relay, at: rejectedAt + 30 * 60 - 1)
                == .rejected(op: 0, reason: .bookingHoldNotOver))
        #expect(try harness.apply([Self.expire], by: harness.log.relay, at: rejectedAt + 30 * 60) == .applied)
    }

    @Test func anExpiredBookingRevivesOnlyWhileItsUnitsAreFree() throws {
        var harness = try Self.harness()
        try harness.book(Self.id, property: Self.property, date: "2026-12-05", shift: .fullDay)
        let holdUntil: Int = try #require(try harness.booking(Self.id))["hold_until"]
        try harness.apply([Self.expire], by: harness.log.relay, at: holdUntil)
        // Late proof while free: Expired → Waiting, units held again.
        #expect(try harness.apply([Self.pay(proof: 1)], by: harness.ownerA) == .applied)
        #expect(try harness.status(Self.id) == "Waiting")
        let code: String = try #require(try harness.booking(Self.id))["code"]
        #expect(try harness.shiftState(Self.property, "2026-12-05", .night) == .held(codes: [code]))

        // A second booking expires; someone else takes its night; a late confirmation is refused naming the holder.
        try harness.book(Self.other, property: Self.property, date: "2026-12-09", shift: .fullDay)
        let otherHold: Int = try #require(try harness.booking(Self.other))["hold_until"]
        try harness.apply([.bookingExpire(BookingExpire(bookingID: Self.other))], by: harness.log.relay, at: otherHold)
        let third = TestID.uuid(3, kind: 1)
        let thirdCode = try harness.book(third, property: Self.property, date: "2026-12-09", shift: .night)
        #expect(
            try harness.apply([Self.confirm(Self.other)], by: harness.ownerA)
                == .rejected(Rejection(op: 0, reason: .slotTaken, holders: [thirdCode])))
        #expect(
            try harness.apply([Self.pay(Self.other, proof: 3)], by: harness.ownerA)
                == .rejected(Rejection(op: 0, reason: .slotTaken, holders: [thirdCode])))
        try harness.apply([.bookingCancel(BookingCancel(bookingID: third, reason: "x"))], by: harness.ownerA)
        #expect(try harness.apply([Self.confirm(Self.other)], by: harness.ownerA) == .applied)
        #expect(try harness.status(Self.other) == "Confirmed")
        #expect(try harness.booking(Self.other)?["hold_until"] as Int? == nil)
    }

    @Test func confirmationFromEachStatus() throws {
        var harness = try Self.harness()
        try harness.book(Self.id, property: Self.property, date: "2026-12-05", shift: .day)
        #expect(try harness.apply([Self.confirm()], by: harness.ownerA) == .applied)  // Pending → Confirmed
        #expect(
            try harness.apply([Self.confirm()], by: harness.ownerA) == .rejected(op: 0, reason: .bookingNotConfirmable))
        #expect(
            try harness.apply([Self.pay(proof: 1)], by: harness.ownerA) == .rejected(op: 0, reason: .bookingNotPayable))
        try harness.book(Self.other, property: Self.property, date: "2026-12-06", shift: .day)
        try harness.apply([Self.pay(Self.other, proof: 2)], by: harness.ownerA)
        #expect(try harness.apply([Self.confirm(Self.other)], by: harness.reviewer) == .applied)  // Waiting → Confirmed
        try harness.apply([.bookingCancel(BookingCancel(bookingID: Self.other, reason: "x"))], by: harness.ownerA)
        #expect(
            try harness.apply([Self.confirm(Self.other)], by: harness.ownerA)
                == .rejected(op: 0, reason: .bookingNotConfirmable))
        #expect(
            try harness.apply([Self.pay(Self.other, proof: 3)], by: harness.ownerA)
                == .rejected(op: 0, reason: .bookingNotPayable))
    }

    /// End of each shift booked on 2026-11-25, in UTC (Asia/Karachi is UTC+5).
    @Test(arguments: [
        (Shift.day, "2026-11-25T13:00:00Z"),  // 18:00 local
        (Shift.night, "2026-11-26T01:00:00Z"),  // 06:00 local the next day
        (Shift.fullDay, "2026-11-26T01:00:00Z"),
        (Shift.fullNight, "2026-11-26T13:00:00Z"),  // 18:00 local the next day
    ])
    func completionWaitsForTheShiftsEnd(shift: Shift, end: String) throws {
        var harness = try Self.harness()
        try harness.book(Self.id, property: Self.property, date: "2026-11-25", shift: shift, status: "Confirmed")
        let endSeconds = try #require(UTCTime(end)).seconds
        #expect(
            try harness.apply([Self.complete], by: harness.log.relay, at: endSeconds - 1)
                == .rejected(op: 0, reason: .bookingNotOver))
        #expect(try harness.apply([Self.complete], by: harness.log.relay, at: endSeconds) == .applied)
        #expect(try harness.status(Self.id) == "Completed")
        // Completed still holds its units.
        let code: String = try #require(try harness.booking(Self.id))["code"]
        #expect(try harness.shiftState(Self.property, "2026-11-25", shift) == .held(codes: [code]))
        #expect(
            try harness.apply([Self.complete], by: harness.log.relay) == .rejected(op: 0, reason: .bookingNotConfirmed))
    }

    @Test func aConflictedBookingIsReinstatedOnlyOnceItsUnitsAreFree() throws {
        var harness = try Self.harness()
        let winner = try harness.book(Self.other, property: Self.property, date: "2026-12-05", shift: .day)
        try harness.book(Self.id, property: Self.property, date: "2026-12-05", shift: .fullDay, status: "Confirmed")
        #expect(try harness.status(Self.id) == "Conflicted")
        let reinstate = Operation.bookingReinstate(BookingReinstate(bookingID: Self.id, status: "Confirmed"))
        #expect(
            try harness.apply([reinstate], by: harness.ownerA)
                == .rejected(Rejection(op: 0, reason: .slotTaken, holders: [winner])))
        try harness.apply(
            [.bookingCancel(BookingCancel(bookingID: Self.other, reason: "lost to the walk-in"))], by: harness.ownerA)
        #expect(try harness.apply([reinstate], by: harness.ownerA) == .applied)
        let row = try #require(try harness.booking(Self.id))
        #expect(row["status"] == "Confirmed")
        #expect(row["conflict_with"] as String? == nil)
        #expect(try harness.apply([reinstate], by: harness.ownerA) == .rejected(op: 0, reason: .bookingNotConflicted))

        // Reinstated as Pending: a fresh hold from that entry.
        let third = TestID.uuid(3, kind: 1)
        try harness.book(third, property: Self.property, date: "2026-12-05", shift: .night)
        #expect(try harness.status(third) == "Conflicted")
        try harness.apply([.bookingCancel(BookingCancel(bookingID: Self.id, reason: "x"))], by: harness.ownerA)
        let at = harness.log.time.seconds + 100
        #expect(
            try harness.apply(
                [.bookingReinstate(BookingReinstate(bookingID: third, status: "Pending"))], by: harness.log.admin,
                at: at) == .applied)
        #expect(try harness.booking(third)?["hold_until"] == at + 30 * 60)
        #expect(
            try harness.apply(
                [.bookingReinstate(BookingReinstate(bookingID: third, status: "Waiting"))], by: harness.log.admin)
                == .rejected(Rejection(op: 0, reason: .valueInvalid, field: "status")))
    }
}
