/// RFC 9110 IMF-fixdate (`Wed, 25 Nov 2026 06:00:00 GMT`): the relay's `Date` header, by which nodes measure their
/// clock offset.
package enum HTTPDate {
    private static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    package static func format(_ time: UTCTime) -> String {
        let text = time.description  // YYYY-MM-DDTHH:MM:SSZ
        guard let date = CalendarDate(String(text.prefix(10))) else { return text }
        let (year, month, day) = date.components
        let clock = text.dropFirst(11).prefix(8)
        return
            "\(weekdays[date.isoWeekday - 1]), \(day < 10 ? "0" : "")\(day) \(months[month - 1]) \(year) \(clock) GMT"
    }

    /// Reads an IMF-fixdate, or nil.
    package static func parse(_ text: String) -> UTCTime? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), parts[1].count == 2,
            let month = months.firstIndex(of: String(parts[2])), parts[3].count == 4
        else { return nil }
        let monthText = month + 1 < 10 ? "0\(month + 1)" : "\(month + 1)"
        return UTCTime("\(parts[3])-\(monthText)-\(day < 10 ? "0" : "")\(day)T\(parts[4])Z")
    }
}
