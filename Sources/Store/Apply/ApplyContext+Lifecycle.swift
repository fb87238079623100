import GRDB
import Wire

/// What apply needs to know about an existing booking.
struct BookingFacts {
    var id: String
    var code: String
    var propertyID: String
    var date: CalendarDate
    var shift: Shift
    var status: String
    var source: String
    var advance: Int
    var payeeAccount: String?
    var customerRef: String?
    var holdUntil: Int?
    var currentProof: String?

    var units: [SlotUnit] { shift.units(on: date) }
}

extension ApplyContext {
    /// The booking after the id's form and existence checks, and the author's right to act on it: an owner key only
    /// on its own properties; the relay key, when it acts for a customer (proofs), only on customer-channel bookings.
    func actionableBooking(_ id: String, relayActsForCustomer: Bool = false) throws -> BookingFacts {
        try Validate.uuid(id, "booking_id")
        guard let row = try Row.cachedOne(db, sql: "SELECT * FROM bookings WHERE id = ?", arguments: [id]) else {
            throw Rejection(reason: .bookingUnknown)
        }
        let booking = BookingFacts(
            id: id, code: row["code"], propertyID: row["property_id"], date: CalendarDate(row["date"] as String)!,
            shift: Shift(rawValue: row["shift"])!, status: row["status"], source: row["source"],
            advance: row["advance"],
            payeeAccount: row["payee_account"], customerRef: row["customer_ref"], holdUntil: row["hold_until"],
            currentProof: row["current_proof"])
        switch author.role {
        case .owner: try requireOwnership(of: try property(booking.propertyID).ownerID)
        case .relay where relayActsForCustomer && !Self.customerSources.contains(booking.source):
            throw Rejection(reason: .authSource)
        default: break
        }
        return booking
    }

    /// Takes the booking's units again (a late confirmation, a revived proof, a reinstatement), or `slot.taken`.
    mutating func reoccupy(_ booking: BookingFacts) throws {
        let holders = try holders(of: booking.units, propertyID: booking.propertyID)
        guard holders.isEmpty else { throw Rejection(reason: .slotTaken, holders: holders) }
        try occupy(booking.units, propertyID: booking.propertyID, kind: "booking", holderID: booking.id)
    }

    mutating func setBooking(_ id: String, _ assignments: String, _ arguments: SQLArguments) throws {
        try write(
            "bookings", where: "id = ?", [id], sql: "UPDATE bookings SET \(assignments), updated_seq = ? WHERE id = ?",
            arguments + [seq, id])
    }

    private func holdMinutes(_ propertyID: String) throws -> Int { try property(propertyID).holdMinutes }

    mutating func bookingConfirm(_ body: BookingConfirm) throws {
        try Validate.optionalText(body.actor, "actor")
        let booking = try actionableBooking(body.bookingID)
        guard ["Pending", "Waiting", "Expired"].contains(booking.status) else {
            throw Rejection(reason: .bookingNotConfirmable)
        }
        if let proof = booking.currentProof, !body.acceptDuplicate,
            try String.cachedOne(db, sql: "SELECT duplicate_of FROM payment_proofs WHERE id = ?", arguments: [proof])
                != nil
        {
            throw Rejection(reason: .paymentDuplicate)
        }
        if booking.status == "Expired" { try reoccupy(booking) }
        try setBooking(
            booking.id, "status = 'Confirmed', hold_until = NULL, actor = ?, accepted_duplicate = ?",
            [body.actor, body.acceptDuplicate ? 1 : nil])
    }

    mutating func bookingRejectPayment(_ body: BookingRejectPayment) throws {
        try Validate.text(body.reason, "reason")
        try Validate.optionalText(body.actor, "actor")
        let booking = try actionableBooking(body.bookingID)
        guard booking.status == "Waiting" else { throw Rejection(reason: .bookingNotWaiting) }
        let holdUntil = entry.relayTime.seconds + (try holdMinutes(booking.propertyID)) * 60
        try setBooking(
            booking.id, "status = 'Pending', hold_until = ?, reject_reason = ?, actor = ?",
            [holdUntil, body.reason, body.actor])
    }

    mutating func bookingExpire(_ body: BookingExpire) throws {
        let booking = try actionableBooking(body.bookingID)
        guard booking.status == "Pending" else { throw Rejection(reason: .bookingNotPending) }
        guard let holdUntil = booking.holdUntil, entry.relayTime.seconds >= holdUntil else {
            throw Rejection(reason: .bookingHoldNotOver)
        }
        try setBooking(booking.id, "status = 'Expired'", [])
        try release(holderID: booking.id)
    }

    mutating func bookingComplete(_ body: BookingComplete) throws {
        let booking = try actionableBooking(body.bookingID)
        guard booking.status == "Confirmed" else { throw Rejection(reason: .bookingNotConfirmed) }
        guard entry.relayTime.seconds >= (try shiftEnd(booking)) else { throw Rejection(reason: .bookingNotOver) }
        try setBooking(booking.id, "status = 'Completed'", [])
    }

    /// The end of the booking's shift in UTC seconds, at the network's fixed offset.
    private func shiftEnd(_ booking: BookingFacts) throws -> Int {
        let offsetMinutes = try Int.cachedOne(db, sql: "SELECT utc_offset_minutes FROM network_params") ?? 0
        return booking.shift.window(on: booking.date, utcOffsetMinutes: offsetMinutes).end
    }

    mutating func bookingReinstate(_ body: BookingReinstate) throws {
        try Validate.oneOf(body.status, ["Pending", "Confirmed"], "status")
        let booking = try actionableBooking(body.bookingID)
        guard booking.status == "Conflicted" else { throw Rejection(reason: .bookingNotConflicted) }
        try reoccupy(booking)
        let holdUntil =
            body.status == "Pending" ? entry.relayTime.seconds + (try holdMinutes(booking.propertyID)) * 60 : nil
        try setBooking(booking.id, "status = ?, conflict_with = NULL, hold_until = ?", [body.status, holdUntil])
    }
}
