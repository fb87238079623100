package import Wire

/// The four shifts. Each covers one or two half-day **units** of a property's calendar; two bookings conflict exactly
/// when their unit sets intersect. ``units(on:)`` is the only overlap logic in HutSync.
package enum Shift: String, Sendable, Hashable, CaseIterable, Comparable {
    case day = "Day"
    case night = "Night"
    case fullDay = "Full Day"
    case fullNight = "Full Night"

    /// The canonical wire and display name.
    package var name: String { rawValue }

    /// Reads the canonical names case-insensitively and the CLI spellings `day`, `night`, `full-day`, `full-night`.
    package init?(parsing text: String) {
        let folded = text.lowercased().replacingHyphensWithSpaces()
        guard let shift = Self.allCases.first(where: { $0.rawValue.lowercased() == folded }) else { return nil }
        self = shift
    }

    /// The units this shift occupies when booked on `date`, in the order conflict lists name holders:
    /// Day → D/day; Night → D/night; Full Day → D/day, D/night; Full Night → D/night, (D+1)/day.
    package func units(on date: CalendarDate) -> [SlotUnit] {
        switch self {
        case .day: [SlotUnit(date: date, half: .day)]
        case .night: [SlotUnit(date: date, half: .night)]
        case .fullDay: [SlotUnit(date: date, half: .day), SlotUnit(date: date, half: .night)]
        case .fullNight: [SlotUnit(date: date, half: .night), SlotUnit(date: date.adding(days: 1), half: .day)]
        }
    }

    package static func < (lhs: Shift, rhs: Shift) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The shift's start and end on `date` in UTC seconds, from local hours: Day 08:00–18:00, Night 20:00–06:00
    /// the next day, Full Day 08:00–06:00, Full Night 20:00–18:00 the next day; local = UTC + `utcOffsetMinutes`.
    package func window(on date: CalendarDate, utcOffsetMinutes: Int) -> (start: Int, end: Int) {
        let (start, end) =
            switch self {
            case .day: (8, 18)
            case .night: (20, 30)
            case .fullDay: (8, 30)
            case .fullNight: (20, 42)
            }
        let midnight = date.dayNumber * 86_400 - utcOffsetMinutes * 60
        return (midnight + start * 3600, midnight + end * 3600)
    }

    /// Asia/Karachi's fixed offset, for the edges (apply reads the network's `utc_offset_minutes`).
    package static let karachiOffsetMinutes = 300
}

/// A half of a calendar day: `day` (08:00–18:00 side) or `night` (20:00–06:00 side).
package enum Half: Int, Sendable, Hashable, Comparable {
    case day = 0
    case night = 1

    package static func < (lhs: Half, rhs: Half) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One half-day unit of one property's calendar.
package struct SlotUnit: Sendable, Hashable, Comparable {
    package var date: CalendarDate
    package var half: Half

    package init(date: CalendarDate, half: Half) {
        self.date = date
        self.half = half
    }

    package static func < (lhs: SlotUnit, rhs: SlotUnit) -> Bool { (lhs.date, lhs.half) < (rhs.date, rhs.half) }
}

/// Weekdays as the price table names them.
package enum Weekday: String, Sendable, CaseIterable {
    case mon, tue, wed, thu, fri, sat, sun

    /// 1 = Monday … 7 = Sunday.
    package var isoNumber: Int { Self.allCases.firstIndex(of: self)! + 1 }

    package init(of date: CalendarDate) { self = Self.allCases[date.isoWeekday - 1] }
}

extension String {
    fileprivate func replacingHyphensWithSpaces() -> String { String(map { $0 == "-" ? " " : $0 }) }
}
