/// `booking.create`: a booking of one property for one shift on one date.
///
/// Customer details travel only sealed (`contact`: one copy per key that may read them, of the canonical JSON of
/// ``ContactDetails``); in clear there is just the phone's last three digits.
package struct BookingCreate: OperationBody {
    package static let name = "booking.create"
    package var bookingID: String
    package var propertyID: String
    package var date: String
    package var shift: String
    /// `Pending` or `Confirmed`.
    package var status: String
    /// `walk_in`, `phone`, `whatsapp` or `webchat`.
    package var source: String
    /// The quoted price, whole rupees.
    package var amount: Int
    /// The part paid up front, 0 ≤ advance ≤ amount.
    package var advance: Int
    /// The account the advance is paid to, as quoted; absent when there was none.
    package var payee: PaymentAccount?
    package var guests: Int?
    /// The last three digits of the customer's phone; absent when no phone number is known.
    package var phoneMask: String?
    /// For customer-channel bookings: the keyed hash identifying the customer (64 lower-case hex).
    package var customerRef: String?
    package var contact: [SealedCopy]

    package init(
        bookingID: String, propertyID: String, date: String, shift: String, status: String, source: String,
        amount: Int, advance: Int, payee: PaymentAccount? = nil, guests: Int? = nil, phoneMask: String? = nil,
        customerRef: String? = nil, contact: [SealedCopy]
    ) {
        self.bookingID = bookingID
        self.propertyID = propertyID
        self.date = date
        self.shift = shift
        self.status = status
        self.source = source
        self.amount = amount
        self.advance = advance
        self.payee = payee
        self.guests = guests
        self.phoneMask = phoneMask
        self.customerRef = customerRef
        self.contact = contact
    }
}

/// The plaintext of a booking's sealed `contact` copies (canonical JSON).
package struct ContactDetails: Codable, Sendable, Hashable {
    package var name: String
    /// Normalised digits with country code, no `+`.
    package var phone: String?
    /// 13 digits.
    package var cnic: String?
    package var whatsappID: String?

    package init(name: String, phone: String? = nil, cnic: String? = nil, whatsappID: String? = nil) {
        self.name = name
        self.phone = phone
        self.cnic = cnic
        self.whatsappID = whatsappID
    }
}

/// `booking.confirm`: Pending or Waiting (or a free Expired) → Confirmed.
package struct BookingConfirm: OperationBody {
    package static let name = "booking.confirm"
    package var bookingID: String
    /// Confirm even though the current proof's transaction id was already used (recorded).
    package var acceptDuplicate: Bool
    /// Who acted, as the author labels it (the reviewer key records the admin who sent the command).
    package var actor: String?

    package init(bookingID: String, acceptDuplicate: Bool = false, actor: String? = nil) {
        self.bookingID = bookingID
        self.acceptDuplicate = acceptDuplicate
        self.actor = actor
    }
}

/// `booking.reject_payment`: Waiting → Pending; the hold restarts from this entry's relay time.
package struct BookingRejectPayment: OperationBody {
    package static let name = "booking.reject_payment"
    package var bookingID: String
    package var reason: String
    package var actor: String?

    package init(bookingID: String, reason: String, actor: String? = nil) {
        self.bookingID = bookingID
        self.reason = reason
        self.actor = actor
    }
}

/// `booking.cancel`: Pending, Waiting or Confirmed → Cancelled.
package struct BookingCancel: OperationBody {
    package static let name = "booking.cancel"
    package var bookingID: String
    package var reason: String
    /// A customer's own cancel (relay key): must equal the booking's `customer_ref` byte for byte.
    package var customerRef: String?

    package init(bookingID: String, reason: String, customerRef: String? = nil) {
        self.bookingID = bookingID
        self.reason = reason
        self.customerRef = customerRef
    }
}

/// `booking.expire`: Pending → Expired, only once the entry's relay time has reached `hold_until`.
package struct BookingExpire: OperationBody {
    package static let name = "booking.expire"
    package var bookingID: String

    package init(bookingID: String) { self.bookingID = bookingID }
}

/// `booking.complete`: Confirmed → Completed, only once the entry's relay time has reached the shift's end.
package struct BookingComplete: OperationBody {
    package static let name = "booking.complete"
    package var bookingID: String

    package init(bookingID: String) { self.bookingID = bookingID }
}

/// `booking.reinstate`: Conflicted → Pending or Confirmed, only if its units are free.
package struct BookingReinstate: OperationBody {
    package static let name = "booking.reinstate"
    package var bookingID: String
    /// `Pending` or `Confirmed`.
    package var status: String

    package init(bookingID: String, status: String) {
        self.bookingID = bookingID
        self.status = status
    }
}
