/// A UTC instant in whole seconds, written `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339, the only form on the wire).
package struct UTCTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    package let seconds: Int

    package init(seconds: Int) { self.seconds = seconds }

    /// Parses exactly `YYYY-MM-DDTHH:MM:SSZ`; nil for anything else (other offsets, fractions, lower-case letters,
    /// impossible dates).
    package init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[10] == UInt8(ascii: "T"), bytes[19] == UInt8(ascii: "Z"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let date = CalendarDate(bytes[0..<10]),
            let hour = twoDigits(bytes, 11), let minute = twoDigits(bytes, 14), let second = twoDigits(bytes, 17),
            hour < 24, minute < 60, second < 60
        else { return nil }
        seconds = date.dayNumber * 86_400 + hour * 3600 + minute * 60 + second
    }

    package var description: String {
        let day = CalendarDate(dayNumber: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let rest = seconds - day.dayNumber * 86_400
        return "\(day)T\(pad(rest / 3600))" + ":\(pad(rest / 60 % 60)):\(pad(rest % 60))Z"
    }

    package static func < (lhs: UTCTime, rhs: UTCTime) -> Bool { lhs.seconds < rhs.seconds }
}

/// A calendar date `YYYY-MM-DD` (proleptic Gregorian, years 0001–9999), as a day number for arithmetic.
package struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01.
    package let dayNumber: Int

    package init(dayNumber: Int) { self.dayNumber = dayNumber }

    package init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        dayNumber = Self.daysFromCivil(year: year, month: month, day: day)
    }

    /// Parses exactly `YYYY-MM-DD`.
    package init?(_ text: String) { self.init(Array(text.utf8)[...]) }

    init?(_ bytes: ArraySlice<UInt8>) {
        let b = Array(bytes)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let high = twoDigits(b, 0), let low = twoDigits(b, 2), let month = twoDigits(b, 5),
            let day = twoDigits(b, 8)
        else { return nil }
        self.init(year: high * 100 + low, month: month, day: day)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    package var isoWeekday: Int { ((dayNumber % 7 + 7) % 7 + 3) % 7 + 1 }

    package func adding(days: Int) -> CalendarDate { CalendarDate(dayNumber: dayNumber + days) }

    package var components: (year: Int, month: Int, day: Int) {
        // Howard Hinnant's civil_from_days.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    package var description: String {
        let (year, month, day) = components
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-\(pad(month))-\(pad(day))"
    }

    package static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days_from_civil.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

private func twoDigits(_ bytes: [UInt8], _ at: Int) -> Int? {
    let high = bytes[at]
    let low = bytes[at + 1]
    guard (0x30...0x39).contains(high), (0x30...0x39).contains(low) else { return nil }
    return Int(high - 0x30) * 10 + Int(low - 0x30)
}

private func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension UTCTime {
    /// The system clock, whole seconds. Only edges (relay, node commands) read it; apply never does.
    package static func now() -> UTCTime { UTCTime(seconds: Int(time(nil))) }
}
