import GRDB
import Wire

extension ApplyContext {
    mutating func propertyPut(_ body: PropertyPut) throws {
        try Validate.uuid(body.propertyID, "property_id")
        try Validate.uuid(body.ownerID, "owner_id")
        for (value, field) in [
            (body.name, "name"), (body.city, "city"), (body.province, "province"), (body.country, "country"),
            (body.address, "address"),
        ] {
            try Validate.text(value, field)
        }
        try Validate.oneOf(body.type, ["hut", "farm"], "type")
        try Validate.optionalText(body.description, "description")
        try Validate.range(body.maxGuests, 1...10_000, "max_guests")
        if let phone = body.contactPhone { try Validate.phone(phone, "contact_phone") }
        try Validate.range(body.advancePercent, 0...100, "advance_percent")
        try Validate.range(body.holdMinutes, 1...1440, "hold_minutes")
        guard try Bool.cachedOne(db, sql: "SELECT 1 FROM owners WHERE id = ?", arguments: [body.ownerID]) != nil else {
            throw Rejection(reason: .ownerUnknown)
        }
        try requireOwnership(of: body.ownerID)
        let existing = try? property(body.propertyID)
        if let existing { try requireOwnership(of: existing.ownerID) }
        try write(
            "properties", where: "id = ?", [body.propertyID],
            sql: "INSERT OR REPLACE INTO properties VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                body.propertyID, body.ownerID, body.name, body.type, body.city, body.province, body.country,
                body.address, body.description, body.maxGuests, body.contactPhone, body.advancePercent,
                body.holdMinutes, (existing?.archived ?? false) ? 1 : 0,
            ])
    }

    /// The property an edit names, after the id's form, existence and ownership checks.
    private func editableProperty(_ id: String) throws -> PropertyFacts {
        try Validate.uuid(id, "property_id")
        let facts = try property(id)
        try requireOwnership(of: facts.ownerID)
        return facts
    }

    mutating func propertyPrices(_ body: PropertyPrices) throws {
        guard !body.prices.isEmpty else { throw Validate.invalid("prices") }
        var cells: [(Int, Shift, Int)] = []
        for (index, price) in body.prices.enumerated() {
            guard let weekday = Weekday(rawValue: price.weekday) else {
                throw Validate.invalid("prices[\(index)].weekday")
            }
            let shift = try Validate.shift(price.shift, "prices[\(index)].shift")
            try Validate.range(price.amount, 0...WireLimits.maxInteger, "prices[\(index)].amount")
            cells.append((weekday.isoNumber, shift, price.amount))
        }
        _ = try editableProperty(body.propertyID)
        for (weekday, shift, amount) in cells {
            try write(
                "weekly_prices", where: "property_id = ? AND weekday = ? AND shift = ?",
                [body.propertyID, weekday, shift.name],
                sql: "INSERT OR REPLACE INTO weekly_prices VALUES (?, ?, ?, ?)",
                [body.propertyID, weekday, shift.name, amount])
        }
    }

    mutating func propertyPriceOverride(_ body: PropertyPriceOverride) throws {
        guard !body.overrides.isEmpty else { throw Validate.invalid("overrides") }
        var cells: [(CalendarDate, Shift, Int)] = []
        for (index, price) in body.overrides.enumerated() {
            let date = try Validate.date(price.date, "overrides[\(index)].date")
            let shift = try Validate.shift(price.shift, "overrides[\(index)].shift")
            try Validate.range(price.amount, 0...WireLimits.maxInteger, "overrides[\(index)].amount")
            cells.append((date, shift, price.amount))
        }
        _ = try editableProperty(body.propertyID)
        for (date, shift, amount) in cells {
            try write(
                "price_overrides", where: "property_id = ? AND date = ? AND shift = ?",
                [body.propertyID, date.description, shift.name],
                sql: "INSERT OR REPLACE INTO price_overrides VALUES (?, ?, ?, ?)",
                [body.propertyID, date.description, shift.name, amount])
        }
    }

    mutating func propertyAmenities(_ body: PropertyAmenities) throws {
        for (index, name) in body.amenities.enumerated() { try Validate.text(name, "amenities[\(index)]") }
        _ = try editableProperty(body.propertyID)
        try replaceList("property_amenities", propertyID: body.propertyID, kind: nil, values: body.amenities)
    }

    mutating func propertyMedia(_ body: PropertyMedia) throws {
        for (index, url) in body.photos.enumerated() { try Validate.text(url, "photos[\(index)]") }
        for (index, url) in body.videos.enumerated() { try Validate.text(url, "videos[\(index)]") }
        _ = try editableProperty(body.propertyID)
        try replaceList("property_media", propertyID: body.propertyID, kind: "photo", values: body.photos)
        try replaceList("property_media", propertyID: body.propertyID, kind: "video", values: body.videos)
    }

    /// Replaces an ordered list of a property (amenities, or media of one kind).
    private mutating func replaceList(_ table: String, propertyID: String, kind: String?, values: [String]) throws {
        let filter = kind == nil ? "property_id = ?" : "property_id = ? AND kind = ?"
        let keys: SQLArguments = kind.map { [propertyID, $0] } ?? [propertyID]
        try recordUndo(table, where: filter, keys)
        let db = db
        try digest.tracking(db, table: table, filter: filter, arguments: keys) {
            try db.step(sql: "DELETE FROM \(table) WHERE \(filter)", arguments: keys)
            for (position, value) in values.enumerated() {
                if let kind {
                    try db.run(
                        sql: "INSERT INTO \(table) VALUES (?, ?, ?, ?)", arguments: [propertyID, kind, position, value])
                } else {
                    try db.run(
                        sql: "INSERT INTO \(table) VALUES (?, ?, ?)", arguments: [propertyID, position, value])
                }
            }
        }
    }

    mutating func propertyArchive(_ body: PropertyArchive) throws {
        _ = try editableProperty(body.propertyID)
        try write(
            "properties", where: "id = ?", [body.propertyID], sql: "UPDATE properties SET archived = ? WHERE id = ?",
            [body.archived ? 1 : 0, body.propertyID])
    }

    mutating func slotBlock(_ body: SlotBlock) throws {
        try Validate.uuid(body.blockID, "block_id")
        let date = try Validate.date(body.date, "date")
        let shift = try Validate.shift(body.shift, "shift")
        try Validate.optionalText(body.reason, "reason")
        let facts = try editableProperty(body.propertyID)
        guard !facts.archived else { throw Rejection(reason: .propertyArchived) }
        guard try Bool.cachedOne(db, sql: "SELECT 1 FROM blocks WHERE id = ?", arguments: [body.blockID]) == nil else {
            throw Rejection(reason: .blockExists)
        }
        let units = shift.units(on: date)
        let holders = try holders(of: units, propertyID: body.propertyID)
        guard holders.isEmpty else { throw Rejection(reason: .slotTaken, holders: holders) }
        try write(
            "blocks", where: "id = ?", [body.blockID],
            sql: "INSERT INTO blocks (id, property_id, date, shift, reason, created_seq) VALUES (?, ?, ?, ?, ?, ?)",
            [body.blockID, body.propertyID, date.description, shift.name, body.reason, seq])
        try occupy(units, propertyID: body.propertyID, kind: "block", holderID: body.blockID)
    }

    mutating func slotUnblock(_ body: SlotUnblock) throws {
        try Validate.uuid(body.blockID, "block_id")
        guard
            let row = try Row.cachedOne(
                db, sql: "SELECT property_id FROM blocks WHERE id = ? AND removed_seq IS NULL",
                arguments: [body.blockID])
        else { throw Rejection(reason: .blockUnknown) }
        try requireOwnership(of: try property(row["property_id"]).ownerID)
        try write(
            "blocks", where: "id = ?", [body.blockID], sql: "UPDATE blocks SET removed_seq = ? WHERE id = ?",
            [seq, body.blockID])
        try release(holderID: body.blockID)
    }
}
