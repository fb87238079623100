import GRDB
import Wire

extension ApplyContext {
    static let customerSources: Set<String> = ["whatsapp", "webchat"]

    mutating func bookingCreate(_ body: BookingCreate) throws {
        let (date, shift) = try validateCreate(body)
        let facts = try property(body.propertyID)
        try authorizeCreate(body, property: facts)
        guard try !db.exists(sql: "SELECT 1 FROM bookings WHERE id = ?", arguments: [body.bookingID]) else {
            throw Rejection(reason: .bookingExists)
        }
        guard !facts.archived else { throw Rejection(reason: .propertyArchived) }

        let prefix = try db.firstValue(String.self, sql: "SELECT code_prefix FROM network_params") ?? "HB"
        let db = db
        guard
            let code = try BookingCode.assign(
                for: body.bookingID, prefix: prefix,
                isTaken: { code in
                    try db.exists(sql: "SELECT 1 FROM bookings WHERE code = ?", arguments: [code])
                })
        else { throw Validate.invalid("booking_id") }

        let units = shift.units(on: date)
        let holders = try holders(of: units, propertyID: body.propertyID)
        let status = holders.isEmpty ? body.status : "Conflicted"
        let holdUntil = status == "Pending" ? entry.relayTime.seconds + facts.holdMinutes * 60 : nil
        let conflictWith = holders.isEmpty ? nil : try canonicalText(.array(holders.map { .string($0) }))
        // No booking has this id (checked above): the insert needs no digest of a row before it.
        try insert(
            RowInsert.booking, where: "id = ?", [body.bookingID],
            [
                body.bookingID, code, body.propertyID, date.description, shift.name, status, body.source, body.amount,
                body.advance, body.payee?.method, body.payee?.account, body.payee?.title, body.guests, body.phoneMask,
                body.customerRef, try canonicalText(try JSONValueEncoder.encode(body.contact)), holdUntil,
                conflictWith, author.publicKey, seq, seq,
            ])
        if holders.isEmpty {
            try occupy(units, propertyID: body.propertyID, kind: "booking", holderID: body.bookingID)
        } else {
            conflicted = true
        }
    }

    private func validateCreate(_ body: BookingCreate) throws -> (CalendarDate, Shift) {
        try Validate.uuid(body.bookingID, "booking_id")
        try Validate.uuid(body.propertyID, "property_id")
        let date = try Validate.date(body.date, "date")
        let shift = try Validate.shift(body.shift, "shift")
        try Validate.oneOf(body.status, ["Pending", "Confirmed"], "status")
        try Validate.oneOf(body.source, Set(["walk_in", "phone"]).union(Self.customerSources), "source")
        guard body.amount >= 0, body.advance >= 0, body.advance <= body.amount else {
            throw Rejection(reason: .bookingBadAdvance)
        }
        if let payee = body.payee { try Validate.account(payee, "payee") }
        if let guests = body.guests { try Validate.range(guests, 1...10_000, "guests") }
        if let mask = body.phoneMask {
            guard mask.utf8.count == 3, mask.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw Validate.invalid("phone_mask")
            }
        }
        if let reference = body.customerRef { try Validate.hex32(reference, "customer_ref") }
        try Validate.sealed(body.contact, "contact")
        return (date, shift)
    }

    /// The relay creates only Pending customer-channel bookings carrying a customer_ref; owners only on their own
    /// properties.
    private func authorizeCreate(_ body: BookingCreate, property: PropertyFacts) throws {
        switch author.role {
        case .relay:
            guard Self.customerSources.contains(body.source) else { throw Rejection(reason: .authSource) }
            guard body.status == "Pending" else { throw Rejection(reason: .authStatus) }
            guard body.customerRef != nil else { throw Rejection(reason: .authCustomerRef) }
        case .owner: try requireOwnership(of: property.ownerID)
        case .admin, .reviewer: break
        }
    }

    mutating func bookingCancel(_ body: BookingCancel) throws {
        try Validate.uuid(body.bookingID, "booking_id")
        try Validate.text(body.reason, "reason")
        if let reference = body.customerRef { try Validate.hex32(reference, "customer_ref") }
        guard
            let booking = try Row.cachedOne(
                db, sql: "SELECT property_id, status, customer_ref FROM bookings WHERE id = ?",
                arguments: [body.bookingID])
        else { throw Rejection(reason: .bookingUnknown) }
        let status: String = booking["status"]
        switch author.role {
        case .relay:
            // A customer's own cancel: the same customer_ref, byte for byte, and only while Pending.
            guard let reference = body.customerRef, reference == booking["customer_ref"] as String? else {
                throw Rejection(reason: .authCustomerRef)
            }
            guard status == "Pending" else { throw Rejection(reason: .bookingNotPending) }
        case .owner: try requireOwnership(of: try property(booking["property_id"]).ownerID)
        case .admin, .reviewer: break
        }
        guard ["Pending", "Waiting", "Confirmed"].contains(status) else {
            throw Rejection(reason: .bookingNotCancellable)
        }
        try write(
            "bookings", where: "id = ?", [body.bookingID],
            sql: "UPDATE bookings SET status = 'Cancelled', cancel_reason = ?, updated_seq = ? WHERE id = ?",
            [body.reason, seq, body.bookingID])
        try release(holderID: body.bookingID)
    }

    func canonicalText(_ value: JSONValue) throws -> String {
        String(decoding: try CanonicalJSON.encode(value), as: UTF8.self)
    }
}
