import GRDB
package import Wire

/// The state of one shift of one property on one date.
package enum SlotState: Sendable, Hashable {
    /// Free, with the price for that date and shift.
    case free(price: Int)
    /// Held by these bookings (their codes, in unit order).
    case held(codes: [String])
    case blocked
    /// Free, but no price is set for that date and shift.
    case noPrice
}

/// One date's four shifts.
package struct DayAvailability: Sendable, Hashable {
    package var date: CalendarDate
    package var shifts: [Shift: SlotState]
}

/// What a customer would pay for a date and shift.
package struct Quote: Sendable, Hashable {
    package var amount: Int
    /// ceil(amount × advance% / 100).
    package var advance: Int
    /// The owner's payment account, else the platform payee, else nil.
    package var payee: PaymentAccount?

    package init(amount: Int, advance: Int, payee: PaymentAccount?) {
        self.amount = amount
        self.advance = advance
        self.payee = payee
    }
}

extension ReplicaStore {
    /// The four shifts of each date from `from` for `days` days: a constant number of indexed queries (occupancy
    /// and overrides by range, the weekly table by property), never a scan.
    package func availability(propertyID: String, from: CalendarDate, days: Int) throws -> [DayAvailability] {
        try writer.read { db in try Availability.compute(db, propertyID: propertyID, from: from, days: days) }
    }

    /// The price, advance and payee for a date and shift, or nil when no price is set (or the property is unknown).
    package func quote(propertyID: String, date: CalendarDate, shift: Shift) throws -> Quote? {
        try writer.read { db in try Availability.quote(db, propertyID: propertyID, date: date, shift: shift) }
    }
}

package enum Availability {
    /// The units held in a date range, with the holding booking's code.
    package static let occupancySQL = """
        SELECT o.date, o.half, o.holder_kind, b.code FROM occupancy o
        LEFT JOIN bookings b ON o.holder_kind = 'booking' AND b.id = o.holder_id
        WHERE o.property_id = ? AND o.date BETWEEN ? AND ?
        """
    package static let weeklySQL = "SELECT weekday, shift, amount FROM weekly_prices WHERE property_id = ?"
    package static let overridesSQL =
        "SELECT date, shift, amount FROM price_overrides WHERE property_id = ? AND date BETWEEN ? AND ?"

    static func quote(_ db: Database, propertyID: String, date: CalendarDate, shift: Shift) throws -> Quote? {
        guard
            let property = try Row.cachedOne(
                db,
                sql: """
                    SELECT p.advance_percent, o.payment_method, o.payment_account, o.payment_title
                    FROM properties p LEFT JOIN owners o ON o.id = p.owner_id WHERE p.id = ?
                    """,
                arguments: [propertyID])
        else { return nil }
        let prices = try Prices(db, propertyID: propertyID, from: date, to: date)
        guard let amount = prices.price(date, shift) else { return nil }
        let percent: Int = property["advance_percent"]
        var payee: PaymentAccount?
        if let method: String = property["payment_method"] {
            payee = PaymentAccount(
                method: method, account: property["payment_account"], title: property["payment_title"])
        } else if let platform = try Row.cachedOne(db, sql: "SELECT method, account, title FROM platform_payee") {
            payee = PaymentAccount(method: platform["method"], account: platform["account"], title: platform["title"])
        }
        return Quote(amount: amount, advance: (amount * percent + 99) / 100, payee: payee)
    }

    static func compute(_ db: Database, propertyID: String, from: CalendarDate, days: Int) throws -> [DayAvailability] {
        guard days > 0 else { return [] }
        let to = from.adding(days: days - 1)
        // Full Night on the last date reaches the next day's day half.
        let holders = try unitHolders(db, propertyID: propertyID, from: from, to: to.adding(days: 1))
        let prices = try Prices(db, propertyID: propertyID, from: from, to: to)
        return (0..<days).map { offset in
            let date = from.adding(days: offset)
            var shifts: [Shift: SlotState] = [:]
            for shift in Shift.allCases {
                shifts[shift] = state(of: shift.units(on: date).map { holders[$0] }, price: prices.price(date, shift))
            }
            return DayAvailability(date: date, shifts: shifts)
        }
    }

    /// For a two-unit shift, the first that applies of held > blocked > no_price > free.
    static func state(of unitHolders: [Holder?], price: Int?) -> SlotState {
        var codes: [String] = []
        for case .booking(let code)? in unitHolders where !codes.contains(code) { codes.append(code) }
        if !codes.isEmpty { return .held(codes: codes) }
        if unitHolders.contains(where: { $0 != nil }) { return .blocked }
        guard let price else { return .noPrice }
        return .free(price: price)
    }

    enum Holder: Hashable {
        case booking(code: String)
        case block
    }

    private static func unitHolders(_ db: Database, propertyID: String, from: CalendarDate, to: CalendarDate) throws
        -> [SlotUnit: Holder]
    {
        var holders: [SlotUnit: Holder] = [:]
        // Columns: date, half, holder_kind, code (read by index: this runs on every availability question).
        try db.forEachRow(sql: occupancySQL, arguments: [propertyID, from.description, to.description]) { row in
            guard let date = CalendarDate(row.text(0)), let half = Half(rawValue: row.int(1)) else { return }
            holders[SlotUnit(date: date, half: half)] = row.text(2) == "block" ? .block : .booking(code: row.text(3))
        }
        return holders
    }

    /// A property's weekly table and the overrides in a date range.
    struct Prices {
        /// Indexed by `slot(weekday, shift)`: ISO weekday 1–7, shift in `Shift.allCases` order.
        var weekly = [Int?](repeating: nil, count: 8 * 4)
        var overrides: [String: [String: Int]] = [:]

        init(_ db: Database, propertyID: String, from: CalendarDate, to: CalendarDate) throws {
            var weekly = weekly
            try db.forEachRow(sql: Availability.weeklySQL, arguments: [propertyID]) { row in
                guard let shift = Shift(rawValue: row.text(1)), (1...7).contains(row.int(0)) else { return }
                weekly[Self.slot(row.int(0), shift)] = row.int(2)
            }
            self.weekly = weekly
            var overrides: [String: [String: Int]] = [:]
            try db.forEachRow(
                sql: Availability.overridesSQL, arguments: [propertyID, from.description, to.description]
            ) { row in
                overrides[row.text(0), default: [:]][row.text(1)] = row.int(2)
            }
            self.overrides = overrides
        }

        private static func slot(_ weekday: Int, _ shift: Shift) -> Int {
            weekday * 4 + (Shift.allCases.firstIndex(of: shift) ?? 0)
        }

        /// The override for that date and shift, else the weekly price of the date's weekday (Full Night by its
        /// start date).
        func price(_ date: CalendarDate, _ shift: Shift) -> Int? {
            if !overrides.isEmpty, let amount = overrides[date.description]?[shift.name] { return amount }
            return weekly[Self.slot(date.isoWeekday, shift)]
        }
    }
}
