import GRDB
import Wire

extension ApplyContext {
    mutating func bookingPayment(_ body: BookingPayment) throws {
        try Validate.uuid(body.proofID, "proof_id")
        try Validate.oneOf(body.method, Validate.paymentMethods, "method")
        if let amount = body.amount { try Validate.range(amount, 0...WireLimits.maxInteger, "amount") }
        if let hash = body.txnHash { try Validate.hex32(hash, "txn_hash") }
        try Validate.sealed(body.sealed, "sealed")
        let booking = try actionableBooking(body.bookingID, relayActsForCustomer: true)
        guard try Bool.cachedOne(db, sql: "SELECT 1 FROM payment_proofs WHERE id = ?", arguments: [body.proofID]) == nil
        else { throw Rejection(reason: .proofExists) }
        switch booking.status {
        case "Pending", "Waiting": break
        case "Expired": try reoccupy(booking)
        default: throw Rejection(reason: .bookingNotPayable)
        }
        let checks = try proofChecks(amount: body.amount, receiver: nil, txnHash: body.txnHash, booking: booking)
        try write(
            "payment_proofs", where: "id = ?", [body.proofID],
            sql: """
                INSERT INTO payment_proofs (id, booking_id, seq, method, amount, txn_hash, sealed, effective_txn_hash,
                    warnings, duplicate_of)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            [
                body.proofID, booking.id, seq, body.method, body.amount, body.txnHash,
                try canonicalText(try JSONValueEncoder.encode(body.sealed)), body.txnHash, checks.warnings,
                checks.duplicateOf,
            ])
        try setBooking(booking.id, "status = 'Waiting', current_proof = ?", [body.proofID])
    }

    mutating func paymentExtracted(_ body: PaymentExtracted) throws {
        try Validate.uuid(body.proofID, "proof_id")
        if let amount = body.amount { try Validate.range(amount, 0...WireLimits.maxInteger, "amount") }
        if let hash = body.txnHash { try Validate.hex32(hash, "txn_hash") }
        try Validate.optionalText(body.receiverAccount, "receiver_account")
        let paidAt = try body.paidAt.map { (text: String) throws(Rejection) -> Int in
            guard let time = UTCTime(text) else { throw Validate.invalid("paid_at") }
            return time.seconds
        }
        try Validate.optionalText(body.extractor, "extractor")
        try Validate.sealed(body.sealed, "sealed")
        let booking = try actionableBooking(body.bookingID, relayActsForCustomer: true)
        guard
            let proof = try Row.cachedOne(
                db, sql: "SELECT amount, txn_hash FROM payment_proofs WHERE id = ? AND booking_id = ?",
                arguments: [body.proofID, booking.id])
        else { throw Rejection(reason: .proofUnknown) }
        // Extracted values win over typed ones; what was not read falls back to what was typed.
        let amount = body.amount ?? (proof["amount"] as Int?)
        let txnHash = body.txnHash ?? (proof["txn_hash"] as String?)
        let checks = try proofChecks(amount: amount, receiver: body.receiverAccount, txnHash: txnHash, booking: booking)
        try write(
            "payment_proofs", where: "id = ?", [body.proofID],
            sql: """
                UPDATE payment_proofs SET extracted_seq = ?, extracted_amount = ?, extracted_txn_hash = ?,
                    receiver_account = ?, paid_at = ?, extractor = ?, extracted_sealed = ?, effective_txn_hash = ?,
                    warnings = ?, duplicate_of = ?
                WHERE id = ?
                """,
            [
                seq, body.amount, body.txnHash, body.receiverAccount, paidAt, body.extractor,
                try canonicalText(try JSONValueEncoder.encode(body.sealed)), txnHash, checks.warnings,
                checks.duplicateOf, body.proofID,
            ])
    }

    /// A proof's warnings, as domain.md fixes them: `underpaid` (amount < advance), `payee_mismatch` (a receiver was
    /// read and differs from the booking's payee, digits only) or `payee_unknown` (no receiver read, or no payee), and
    /// `duplicate_of`: the other booking whose proof with the same txn_hash has the lowest sequence, across every proof
    /// ever recorded.
    private func proofChecks(amount: Int?, receiver: String?, txnHash: String?, booking: BookingFacts) throws
        -> (warnings: String, duplicateOf: String?)
    {
        var warnings: [String] = []
        if let amount, amount < booking.advance { warnings.append("underpaid") }
        if let receiver, let payee = booking.payeeAccount {
            if Self.digits(receiver) != Self.digits(payee) { warnings.append("payee_mismatch") }
        } else {
            warnings.append("payee_unknown")
        }
        var duplicateOf: String?
        if let txnHash {
            duplicateOf = try String.cachedOne(
                db,
                sql: """
                    SELECT b.code FROM payment_proofs p JOIN bookings b ON b.id = p.booking_id
                    WHERE p.effective_txn_hash = ? AND p.booking_id != ? ORDER BY p.seq, p.id LIMIT 1
                    """,
                arguments: [txnHash, booking.id])
        }
        if duplicateOf != nil { warnings.append("duplicate_of") }
        return (try canonicalText(.array(warnings.map { .string($0) })), duplicateOf)
    }

    private static func digits(_ text: String) -> [UInt8] { text.utf8.filter { (0x30...0x39).contains($0) } }
}
