import GRDB
import Store
import TestSupport
import Testing

@Suite struct PaymentTests {
    static let propertyA = TestID.uuid(1, kind: 0xB)
    static let propertyB = TestID.uuid(2, kind: 0xB)
    static let bookingA = TestID.uuid(1, kind: 1)
    static let bookingB = TestID.uuid(2, kind: 1)
    static let txn = DerivedHashes.txnHash(method: "jazzcash", transactionID: "0123456789")

    static func harness() throws -> StoreHarness {
        var harness = try StoreHarness()
        try harness.addProperty(propertyA)
        try harness.addProperty(propertyB, ownerB: true)
        try harness.book(bookingA, property: propertyA, date: "2026-12-05", shift: .day)
        try harness.apply(
            [Catalogue.book(bookingB, property: propertyB, date: "2026-12-05", shift: .day)], by: harness.ownerB)
        return harness
    }

    static func proof(_ harness: StoreHarness, _ number: Int) throws -> Row {
        try harness.store.writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM payment_proofs WHERE id = ?", arguments: [TestID.uuid(number, kind: 0xF)])!
        }
    }

    static func pay(_ booking: String, proof: Int, amount: Int?, txn: String? = txn) -> Operation {
        .bookingPayment(
            BookingPayment(
                proofID: TestID.uuid(proof, kind: 0xF), bookingID: booking, method: "jazzcash", amount: amount,
                txnHash: txn, sealed: []))
    }

    @Test func oneReceiptCannotConfirmTwoBookingsByAccident() throws {
        var harness = try Self.harness()
        #expect(try harness.apply([Self.pay(Self.bookingA, proof: 1, amount: 5000)], by: harness.ownerA) == .applied)
        #expect(try harness.apply([Self.pay(Self.bookingB, proof: 2, amount: 5000)], by: harness.ownerB) == .applied)
        let codeA: String = try #require(try harness.booking(Self.bookingA))["code"]
        let first = try Self.proof(harness, 1)
        let second = try Self.proof(harness, 2)
        #expect(first["duplicate_of"] as String? == nil)
        #expect(second["duplicate_of"] as String? == codeA)
        #expect(second["warnings"] == #"["payee_unknown","duplicate_of"]"#)

        let confirmB = Operation.bookingConfirm(BookingConfirm(bookingID: Self.bookingB))
        #expect(try harness.apply([confirmB], by: harness.ownerB) == .rejected(op: 0, reason: .paymentDuplicate))
        // The first booking's proof is not a duplicate: it confirms.
        #expect(
            try harness.apply([.bookingConfirm(BookingConfirm(bookingID: Self.bookingA))], by: harness.ownerA)
                == .applied)
        let accept = Operation.bookingConfirm(
            BookingConfirm(bookingID: Self.bookingB, acceptDuplicate: true, actor: "admin"))
        #expect(try harness.apply([accept], by: harness.ownerB) == .applied)
        let row = try #require(try harness.booking(Self.bookingB))
        #expect(row["status"] == "Confirmed")
        #expect(row["accepted_duplicate"] == 1)
        // Earlier proofs' warnings never change.
        #expect(try Self.proof(harness, 1)["warnings"] == #"["payee_unknown"]"#)
    }

    @Test func warningsComeFromTheExtractionWhenThereIsOne() throws {
        var harness = try Self.harness()
        try harness.apply([Self.pay(Self.bookingA, proof: 1, amount: 4000, txn: nil)], by: harness.ownerA)
        #expect(try Self.proof(harness, 1)["warnings"] == #"["underpaid","payee_unknown"]"#)

        // The extractor reads the full advance and a receiver; the booking was quoted with no payee, so the payee
        // stays unknown whatever was read — and the typed amount's underpaid warning goes.
        let extracted = Operation.paymentExtracted(
            PaymentExtracted(
                proofID: TestID.uuid(1, kind: 0xF), bookingID: Self.bookingA, amount: 5000, txnHash: Self.txn,
                receiverAccount: "0300-9999999", paidAt: "2026-11-25T10:00:00Z", extractor: "gemini", sealed: []))
        #expect(try harness.apply([extracted], by: harness.log.admin) == .applied)
        #expect(try Self.proof(harness, 1)["warnings"] == #"["payee_unknown"]"#)
        #expect(try Self.proof(harness, 1)["effective_txn_hash"] == Self.txn)
        #expect(try Self.proof(harness, 1)["paid_at"] == UTCTime("2026-11-25T10:00:00Z")!.seconds)
        #expect(try harness.status(Self.bookingA) == "Waiting")
    }

    @Test func aMatchingReceiverClearsThePayeeWarning() throws {
        var harness = try Self.harness()
        let id = TestID.uuid(5, kind: 1)
        try harness.apply(
            [
                .bookingCreate(
                    BookingCreate(
                        bookingID: id, propertyID: Self.propertyA, date: "2026-12-07", shift: "Day", status: "Pending",
                        source: "phone", amount: 20000, advance: 5000,
                        payee: PaymentAccount(method: "jazzcash", account: "0301-1234567", title: "A"), contact: []))
            ],
            by: harness.ownerA)
        try harness.apply([Self.pay(id, proof: 1, amount: 5000, txn: nil)], by: harness.ownerA)
        let read = { (account: String) in
            Operation.paymentExtracted(
                PaymentExtracted(proofID: TestID.uuid(1, kind: 0xF), bookingID: id, receiverAccount: account))
        }
        try harness.apply([read("03011234567")], by: harness.reviewer)
        #expect(try Self.proof(harness, 1)["warnings"] == "[]")
        try harness.apply([read("03019999999")], by: harness.reviewer)
        #expect(try Self.proof(harness, 1)["warnings"] == #"["payee_mismatch"]"#)
    }

    @Test func extractionsNameAProofOfThatBooking() throws {
        var harness = try Self.harness()
        try harness.apply([Self.pay(Self.bookingA, proof: 1, amount: 5000)], by: harness.ownerA)
        let wrongBooking = Operation.paymentExtracted(
            PaymentExtracted(proofID: TestID.uuid(1, kind: 0xF), bookingID: Self.bookingB))
        #expect(try harness.apply([wrongBooking], by: harness.log.admin) == .rejected(op: 0, reason: .proofUnknown))
        let unknown = Operation.paymentExtracted(
            PaymentExtracted(proofID: TestID.uuid(9, kind: 0xF), bookingID: Self.bookingA))
        #expect(try harness.apply([unknown], by: harness.log.admin) == .rejected(op: 0, reason: .proofUnknown))
        let badTime = Operation.paymentExtracted(
            PaymentExtracted(proofID: TestID.uuid(1, kind: 0xF), bookingID: Self.bookingA, paidAt: "yesterday"))
        #expect(
            try harness.apply([badTime], by: harness.log.admin)
                == .rejected(Rejection(op: 0, reason: .valueInvalid, field: "paid_at")))
    }

    @Test func theRelayRecordsProofsOnlyForCustomerChannelBookings() throws {
        var harness = try Self.harness()
        #expect(
            try harness.apply([Self.pay(Self.bookingA, proof: 1, amount: 5000)], by: harness.log.relay)
                == .rejected(op: 0, reason: .authSource))
        let customer = TestID.uuid(7, kind: 1)
        try harness.apply(
            [
                Catalogue.book(
                    customer, property: Self.propertyA, date: "2026-12-08", shift: .day, source: "whatsapp",
                    customerRef: String(repeating: "ab", count: 32))
            ],
            by: harness.log.relay)
        #expect(try harness.apply([Self.pay(customer, proof: 2, amount: 5000)], by: harness.log.relay) == .applied)
        // The relay key itself can never confirm or reject.
        #expect(
            try harness.apply([.bookingConfirm(BookingConfirm(bookingID: customer))], by: harness.log.relay)
                == .rejected(op: 0, reason: .authRole))
        #expect(
            try harness.apply(
                [.bookingRejectPayment(BookingRejectPayment(bookingID: customer, reason: "x"))], by: harness.log.relay)
                == .rejected(op: 0, reason: .authRole))
    }
}
