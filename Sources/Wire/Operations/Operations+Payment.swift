/// `booking.payment`: records a payment proof (Pending → Waiting, Waiting → Waiting, free Expired → Waiting).
///
/// The transaction id, sender details and media reference travel only sealed (``ProofDetails``); `txn_hash` is in
/// clear for network-wide duplicate detection.
package struct BookingPayment: OperationBody {
    package static let name = "booking.payment"
    /// The proof's own UUID (a booking may collect several proofs).
    package var proofID: String
    package var bookingID: String
    /// `easypaisa`, `jazzcash` or `bank`.
    package var method: String
    /// The amount the customer typed, when they typed one.
    package var amount: Int?
    /// BLAKE2b-256(`hutsync/txn` ‖ method ‖ 0x00 ‖ normalised transaction id), when a transaction id is known.
    package var txnHash: String?
    package var sealed: [SealedCopy]

    package init(
        proofID: String, bookingID: String, method: String, amount: Int? = nil, txnHash: String? = nil,
        sealed: [SealedCopy]
    ) {
        self.proofID = proofID
        self.bookingID = bookingID
        self.method = method
        self.amount = amount
        self.txnHash = txnHash
        self.sealed = sealed
    }
}

/// The plaintext of a proof's sealed copies.
package struct ProofDetails: Codable, Sendable, Hashable {
    package var transactionID: String?
    package var senderName: String?
    package var senderAccount: String?
    /// A media reference (URL or relay media id) of the screenshot.
    package var media: String?

    package init(
        transactionID: String? = nil, senderName: String? = nil, senderAccount: String? = nil, media: String? = nil
    ) {
        self.transactionID = transactionID
        self.senderName = senderName
        self.senderAccount = senderAccount
        self.media = media
    }
}

/// `payment.extracted`: what an extractor read from a proof's screenshot, recorded apart from any human decision.
package struct PaymentExtracted: OperationBody {
    package static let name = "payment.extracted"
    package var proofID: String
    package var bookingID: String
    package var amount: Int?
    package var txnHash: String?
    /// The receiving account as read (compared with the booking's payee, digits only).
    package var receiverAccount: String?
    /// When the payment was made, as read (RFC 3339 UTC).
    package var paidAt: String?
    /// Which extractor read it (`gemini-2.5-flash`).
    package var extractor: String?
    /// Sealed ``ProofDetails`` of what was read (transaction id, sender).
    package var sealed: [SealedCopy]

    package init(
        proofID: String, bookingID: String, amount: Int? = nil, txnHash: String? = nil,
        receiverAccount: String? = nil, paidAt: String? = nil, extractor: String? = nil, sealed: [SealedCopy] = []
    ) {
        self.proofID = proofID
        self.bookingID = bookingID
        self.amount = amount
        self.txnHash = txnHash
        self.receiverAccount = receiverAccount
        self.paidAt = paidAt
        self.extractor = extractor
        self.sealed = sealed
    }
}
