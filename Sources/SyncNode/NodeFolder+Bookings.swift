import Foundation
package import Store
package import Wire

/// What `node book` takes.
package struct BookingRequest: Sendable {
    package var propertyID: String
    package var date: CalendarDate
    package var shift: Shift
    package var name: String
    package var phone: String
    package var cnic: String?
    package var guests: Int?
    package var paid: Bool
    package var amount: Int?
    package var source: String?

    package init(
        propertyID: String, date: CalendarDate, shift: Shift, name: String, phone: String, cnic: String?, guests: Int?,
        paid: Bool, amount: Int?, source: String?
    ) {
        self.propertyID = propertyID
        self.date = date
        self.shift = shift
        self.name = name
        self.phone = phone
        self.cnic = cnic
        self.guests = guests
        self.paid = paid
        self.amount = amount
        self.source = source
    }
}

extension NodeFolder {
    /// The node's clock corrected by the offset learned from the relay.
    package func now(_ store: ReplicaStore) -> UTCTime {
        let offset = (try? store.clockOffset()) ?? 0
        return UTCTime(seconds: UTCTime.now().seconds + offset)
    }

    /// `node book`: checks at the edge, quotes, seals the contact details, and writes one `booking.create`.
    package func book(_ request: BookingRequest) throws(SyncError) -> BookingRecord {
        let (_, store) = try open()
        let now = now(store)
        let context = try read {
            try store.localBookingContext(
                propertyID: request.propertyID, date: request.date, shift: request.shift, now: now)
        }
        guard let property = context.property else {
            throw SyncError(.badInput, "unknown property \(request.propertyID)")
        }
        guard !property.archived else { throw SyncError(.badInput, "that property is archived") }
        if let guests = request.guests, guests > property.maxGuests {
            throw SyncError(.badInput, "\(guests) guests is over the property's maximum of \(property.maxGuests)")
        }
        guard request.shift.window(on: request.date, utcOffsetMinutes: Shift.karachiOffsetMinutes).end > now.seconds
        else {
            throw SyncError(.badInput, "the \(request.shift.name) shift of \(request.date) has already ended")
        }
        guard let phone = Phone.normalise(request.phone) else {
            throw SyncError(.badInput, "--phone is not a phone number")
        }
        let cnic = try request.cnic.map { (text: String) throws(SyncError) -> String in
            guard let digits = CNIC.normalise(text) else {
                throw SyncError(.badInput, "--cnic must be 13 digits (XXXXX-XXXXXXX-X)")
            }
            return digits
        }
        switch context.slot?.state {
        case .held(let codes)?:
            throw SyncError(.badInput, "that slot is taken: held by \(codes.joined(separator: ", "))")
        case .blocked?: throw SyncError(.badInput, "that slot is blocked")
        default: break
        }
        let quote = context.quote
        guard let amount = request.amount ?? quote?.amount else {
            throw SyncError(.badInput, "no price is set for that date and shift: give --amount")
        }
        let advance = (amount * property.advancePercent + 99) / 100
        let recipients = context.recipients
        let details = ContactDetails(name: CanonicalJSON.nfc(request.name), phone: phone, cnic: cnic)
        let contact = try read { try PrivateDetails.seal(details, to: recipients) }
        let id = UUIDText.timeOrdered()
        let create = BookingCreate(
            bookingID: id, propertyID: request.propertyID, date: request.date.description, shift: request.shift.name,
            status: request.paid ? "Confirmed" : "Pending",
            source: request.source ?? (request.paid ? "walk_in" : "phone"),
            amount: amount, advance: advance, payee: quote?.payee, guests: request.guests,
            phoneMask: String(phone.suffix(3)),
            contact: contact)
        let (_, _, record) = try write([.bookingCreate(create)], refuseConflicts: true) { db in
            try ReplicaStore.localBookings(db, id: id).first
        }
        guard let record else { throw SyncError(.badInput, "the booking was written but cannot be read back") }
        return record
    }

    /// Runs a store read, turning its failure into one line.
    package func read<T>(_ body: () throws -> T) throws(SyncError) -> T {
        do { return try body() } catch let error as SyncError { throw error } catch {
            throw SyncError(.badInput, "cannot read this node's store: \(error)")
        }
    }
}
