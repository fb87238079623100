/// `property.put`: creates or replaces a property's descriptive fields (not prices, amenities, media or archiving).
package struct PropertyPut: OperationBody {
    package static let name = "property.put"
    package var propertyID: String
    package var ownerID: String
    package var name: String
    /// `hut` or `farm`.
    package var type: String
    package var city: String
    package var province: String
    package var country: String
    package var address: String
    package var description: String?
    package var maxGuests: Int
    package var contactPhone: String?
    /// 0–100: the part of the price paid up front.
    package var advancePercent: Int
    /// 1–1440: how long a Pending booking holds its units.
    package var holdMinutes: Int

    package init(
        propertyID: String, ownerID: String, name: String, type: String, city: String, province: String,
        country: String, address: String, description: String? = nil, maxGuests: Int, contactPhone: String? = nil,
        advancePercent: Int, holdMinutes: Int
    ) {
        self.propertyID = propertyID
        self.ownerID = ownerID
        self.name = name
        self.type = type
        self.city = city
        self.province = province
        self.country = country
        self.address = address
        self.description = description
        self.maxGuests = maxGuests
        self.contactPhone = contactPhone
        self.advancePercent = advancePercent
        self.holdMinutes = holdMinutes
    }
}

/// One cell of the weekly price table.
package struct WeeklyPrice: Codable, Sendable, Hashable {
    /// `mon` … `sun`.
    package var weekday: String
    /// `Day`, `Night`, `Full Day` or `Full Night`.
    package var shift: String
    /// Whole rupees.
    package var amount: Int

    package init(weekday: String, shift: String, amount: Int) {
        self.weekday = weekday
        self.shift = shift
        self.amount = amount
    }
}

/// `property.prices`: sets cells of the weekly price table (others unchanged).
package struct PropertyPrices: OperationBody {
    package static let name = "property.prices"
    package var propertyID: String
    package var prices: [WeeklyPrice]

    package init(propertyID: String, prices: [WeeklyPrice]) {
        self.propertyID = propertyID
        self.prices = prices
    }
}

/// One date override of the price table.
package struct DatePrice: Codable, Sendable, Hashable {
    /// `YYYY-MM-DD`.
    package var date: String
    package var shift: String
    package var amount: Int

    package init(date: String, shift: String, amount: Int) {
        self.date = date
        self.shift = shift
        self.amount = amount
    }
}

/// `property.price_override`: sets prices for specific dates, which win over the weekly table.
package struct PropertyPriceOverride: OperationBody {
    package static let name = "property.price_override"
    package var propertyID: String
    package var overrides: [DatePrice]

    package init(propertyID: String, overrides: [DatePrice]) {
        self.propertyID = propertyID
        self.overrides = overrides
    }
}

/// `property.amenities`: replaces the property's amenity list.
package struct PropertyAmenities: OperationBody {
    package static let name = "property.amenities"
    package var propertyID: String
    package var amenities: [String]

    package init(propertyID: String, amenities: [String]) {
        self.propertyID = propertyID
        self.amenities = amenities
    }
}

/// `property.media`: replaces the property's photo and video URLs.
package struct PropertyMedia: OperationBody {
    package static let name = "property.media"
    package var propertyID: String
    package var photos: [String]
    package var videos: [String]

    package init(propertyID: String, photos: [String], videos: [String]) {
        self.propertyID = propertyID
        self.photos = photos
        self.videos = videos
    }
}

/// `property.archive`: archives (`true`) or restores (`false`) a property.
package struct PropertyArchive: OperationBody {
    package static let name = "property.archive"
    package var propertyID: String
    package var archived: Bool

    package init(propertyID: String, archived: Bool) {
        self.propertyID = propertyID
        self.archived = archived
    }
}

/// `slot.block`: closes a shift's units of one property on one date.
package struct SlotBlock: OperationBody {
    package static let name = "slot.block"
    package var blockID: String
    package var propertyID: String
    package var date: String
    package var shift: String
    package var reason: String?

    package init(blockID: String, propertyID: String, date: String, shift: String, reason: String? = nil) {
        self.blockID = blockID
        self.propertyID = propertyID
        self.date = date
        self.shift = shift
        self.reason = reason
    }
}

/// `slot.unblock`: removes a block.
package struct SlotUnblock: OperationBody {
    package static let name = "slot.unblock"
    package var blockID: String

    package init(blockID: String) { self.blockID = blockID }
}
