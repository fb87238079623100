package import Store
package import Wire

/// `node calendar`: an RFC 5545 feed of one property's bookings and blocks, in UTC, with stable UIDs; cancelled,
/// expired and conflicted bookings stay in the feed marked `STATUS:CANCELLED`.
package enum CalendarFeed {
    static func stamp(_ seconds: Int) -> String {
        UTCTime(seconds: seconds).description.filter { $0 != "-" && $0 != ":" }  // 20261205T030000Z
    }

    /// RFC 5545 TEXT escaping.
    static func text(_ value: String) -> String {
        value.replacingBackslashes()
    }

    package static func render(
        propertyName: String, bookings: [BookingRecord],
        blocks: [(id: String, date: String, shift: String, reason: String?)],
        generated: UTCTime
    ) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//HutSync//hutsync//EN", "CALSCALE:GREGORIAN",
            "X-WR-CALNAME:\(text(propertyName))",
        ]
        func event(uid: String, date: String, shift: String, summary: String, cancelled: Bool) {
            guard let day = CalendarDate(date), let shift = Shift(rawValue: shift) else { return }
            let (start, end) = shift.window(on: day, utcOffsetMinutes: Shift.karachiOffsetMinutes)
            lines += [
                "BEGIN:VEVENT", "UID:\(uid)@hutsync", "DTSTAMP:\(stamp(generated.seconds))", "DTSTART:\(stamp(start))",
                "DTEND:\(stamp(end))", "SUMMARY:\(text(summary))",
                "STATUS:\(cancelled ? "CANCELLED" : "CONFIRMED")", "END:VEVENT",
            ]
        }
        for booking in bookings {
            let cancelled = ["Cancelled", "Expired", "Conflicted"].contains(booking.status)
            event(
                uid: booking.id, date: booking.date, shift: booking.shift,
                summary: "\(booking.code) \(booking.shift) (\(booking.status))", cancelled: cancelled)
        }
        for block in blocks {
            event(
                uid: block.id, date: block.date, shift: block.shift,
                summary: "Blocked" + (block.reason.map { ": " + $0 } ?? ""), cancelled: false)
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// Lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 sequence.
    static func fold(_ line: String) -> String {
        var out = ""
        var length = 0
        for character in line {
            let size = String(character).utf8.count
            if length + size > 75 {
                out += "\r\n "
                length = 1
            }
            out.append(character)
            length += size
        }
        return out
    }
}

extension String {
    fileprivate func replacingBackslashes() -> String {
        var out = ""
        for character in self {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}

extension NodeFolder {
    /// The feed of one property from the local view.
    package func calendar(propertyID: String) throws(SyncError) -> String {
        let (_, store) = try open()
        let now = now(store)
        let properties = try read { try store.localProperties(now: now) }
        guard let property = properties.first(where: { $0["id"] == .string(propertyID) }),
            case .string(let name)? = property["name"]
        else { throw SyncError(.badInput, "unknown property \(propertyID)") }
        let bookings = try read { try store.localBookings(propertyID: propertyID, now: now) }
        let blocks = try read { try store.localBlocks(propertyID: propertyID, now: now) }
        return CalendarFeed.render(propertyName: name, bookings: bookings, blocks: blocks, generated: now)
    }
}
