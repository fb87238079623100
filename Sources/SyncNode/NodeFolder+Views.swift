package import Store
package import Wire

extension NodeFolder {
    /// The booking object of interfaces.md: customer fields this key cannot open are "(private)".
    package func bookingObject(_ record: BookingRecord, store: ReplicaStore, key: SigningKey, now: UTCTime) -> JSONValue
    {
        let customer = (try? store.localCustomer(ofBooking: record.id, reader: key, now: now)) ?? nil
        let proof = (try? store.localCurrentProof(ofBooking: record.id, reader: key, now: now)) ?? nil
        let hidden = JSONValue.string(CustomerView.hidden)
        return .object([
            JSONMember("id", .string(record.id)), JSONMember("code", .string(record.code)),
            JSONMember("property_id", .string(record.propertyID)), JSONMember("date", .string(record.date)),
            JSONMember("shift", .string(record.shift)), JSONMember("status", .string(record.status)),
            JSONMember("provisional", .bool(record.provisional)), JSONMember("amount", .int(record.amount)),
            JSONMember("advance", .int(record.advance)), JSONMember("source", .string(record.source)),
            JSONMember("seq", record.seq.map { .int($0) } ?? .null),
            JSONMember("conflict_with", .array(record.conflictWith.map { .string($0) })),
            JSONMember("hold_until", record.holdUntil.map { .string(UTCTime(seconds: $0).description) } ?? .null),
            JSONMember(
                "customer",
                .object([
                    JSONMember("name", customer.map { .string($0.name) } ?? hidden),
                    JSONMember("phone", customer.map { .string($0.phone) } ?? hidden),
                    JSONMember("cnic", customer?.cnic.map { .string($0) } ?? .null),
                ])),
            JSONMember(
                "payment",
                proof.map { proof in
                    .object([
                        JSONMember("method", .string(proof.method)),
                        JSONMember("transaction_id", proof.transactionID.map { .string($0) } ?? .null),
                        JSONMember("amount", proof.amount.map { .int($0) } ?? .null),
                        JSONMember("warnings", .array(proof.warnings.map { .string($0) })),
                        JSONMember("duplicate_of", proof.duplicateOf.map { .string($0) } ?? .null),
                    ])
                } ?? .null),
        ])
    }

    /// The availability answer of interfaces.md for one property.
    package func availabilityObject(propertyID: String, from: CalendarDate, days: Int) throws(SyncError) -> JSONValue {
        let (_, store) = try open()
        guard try read({ try store.localProperty(propertyID, now: now(store)) }) != nil else {
            throw SyncError(.badInput, "unknown property \(propertyID)")
        }
        let rows = try read {
            try store.localAvailability(propertyID: propertyID, from: from, days: days, now: now(store))
        }
        let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        return .object([
            JSONMember("property_id", .string(propertyID)),
            JSONMember(
                "days",
                .array(
                    rows.map { day in
                        .object([
                            JSONMember("date", .string(day.date.description)),
                            JSONMember("weekday", .string(weekdays[day.date.isoWeekday - 1])),
                            JSONMember(
                                "shifts",
                                .object(
                                    Shift.allCases.map { shift in
                                        JSONMember(shift.name, Self.slotObject(day.shifts[shift]))
                                    })),
                        ])
                    })),
        ])
    }

    static func slotObject(_ slot: LocalSlot?) -> JSONValue {
        var members: [JSONMember]
        switch slot?.state ?? .noPrice {
        case .free(let price): members = [JSONMember("state", .string("free")), JSONMember("price", .int(price))]
        case .held(let codes):
            members = [JSONMember("state", .string("held")), JSONMember("bookings", .array(codes.map { .string($0) }))]
        case .blocked: members = [JSONMember("state", .string("blocked"))]
        case .noPrice: members = [JSONMember("state", .string("no_price"))]
        }
        if slot?.provisional == true { members.append(JSONMember("provisional", .bool(true))) }
        return .object(members)
    }
}
