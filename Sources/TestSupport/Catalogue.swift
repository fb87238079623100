package import Store

/// Operations to set up owners, properties and prices in store tests.
package enum Catalogue {
    package static func owner(_ id: String, name: String = "Owner") -> Operation {
        .ownerPut(OwnerPut(ownerID: id, name: name, phone: "923001234567"))
    }

    package static func grant(_ key: SigningKey, role: String, owner: String? = nil) -> Operation {
        .keyGrant(KeyGrant(publicKey: key.publicKey.hex, role: role, ownerID: owner))
    }

    package static func property(_ id: String, owner: String, holdMinutes: Int = 30, advancePercent: Int = 25)
        -> Operation
    {
        .propertyPut(
            PropertyPut(
                propertyID: id, ownerID: owner, name: "Farm \(id.suffix(4))", type: "farm", city: "Karachi",
                province: "Sindh", country: "Pakistan", address: "Hawksbay", maxGuests: 40,
                advancePercent: advancePercent, holdMinutes: holdMinutes))
    }

    /// Every weekday and shift at `amount`.
    package static func prices(_ propertyID: String, amount: Int) -> Operation {
        .propertyPrices(
            PropertyPrices(
                propertyID: propertyID,
                prices: Weekday.allCases.flatMap { day in
                    Shift.allCases.map { WeeklyPrice(weekday: day.rawValue, shift: $0.name, amount: amount) }
                }))
    }

    package static func book(
        _ id: String, property: String, date: String, shift: Shift, status: String = "Pending",
        source: String = "phone", customerRef: String? = nil
    ) -> Operation {
        .bookingCreate(
            BookingCreate(
                bookingID: id, propertyID: property, date: date, shift: shift.name, status: status, source: source,
                amount: 20000, advance: 5000, phoneMask: "567", customerRef: customerRef, contact: []))
    }

    package static func block(_ id: String, property: String, date: String, shift: Shift) -> Operation {
        .slotBlock(SlotBlock(blockID: id, propertyID: property, date: date, shift: shift.name))
    }
}
