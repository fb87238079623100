import Wire

/// Value rules: each check refuses with `value.invalid` naming the field.
enum Validate {
    static func invalid(_ field: String) -> Rejection { Rejection(reason: .valueInvalid, field: field) }

    static func uuid(_ value: String, _ field: String) throws(Rejection) {
        guard UUIDText.isValid(value) else { throw invalid(field) }
    }

    static func date(_ value: String, _ field: String) throws(Rejection) -> CalendarDate {
        guard let date = CalendarDate(value) else { throw invalid(field) }
        return date
    }

    static func shift(_ value: String, _ field: String) throws(Rejection) -> Shift {
        guard let shift = Shift(rawValue: value) else { throw invalid(field) }
        return shift
    }

    /// Text: not empty and not only ASCII spaces, tabs, CRs and LFs. (Not `Character.isWhitespace`: its Unicode
    /// tables change between Swift versions, and replicas built with different versions must agree.)
    static func text(_ value: String, _ field: String) throws(Rejection) {
        guard value.utf8.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { throw invalid(field) }
    }

    static func optionalText(_ value: String?, _ field: String) throws(Rejection) {
        if let value { try text(value, field) }
    }

    static func range(_ value: Int, _ range: ClosedRange<Int>, _ field: String) throws(Rejection) {
        guard range.contains(value) else { throw invalid(field) }
    }

    static func oneOf(_ value: String, _ allowed: Set<String>, _ field: String) throws(Rejection) {
        guard allowed.contains(value) else { throw invalid(field) }
    }

    static func hex32(_ value: String, _ field: String) throws(Rejection) {
        guard Hex.isValid(value, byteCount: 32) else { throw invalid(field) }
    }

    static let paymentMethods: Set<String> = ["easypaisa", "jazzcash", "bank"]

    static func account(_ account: PaymentAccount, _ field: String) throws(Rejection) {
        try oneOf(account.method, paymentMethods, field + ".method")
        try text(account.account, field + ".account")
        try text(account.title, field + ".title")
    }

    /// Phone numbers in clear (owners, properties): 7 to 15 digits.
    static func phone(_ value: String, _ field: String) throws(Rejection) {
        guard (7...15).contains(value.utf8.count), value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw invalid(field)
        }
    }

    /// Sealed copies: each names a recipient key; the boxes themselves are never inspected.
    static func sealed(_ copies: [SealedCopy], _ field: String) throws(Rejection) {
        for (index, copy) in copies.enumerated() { try hex32(copy.key, "\(field)[\(index)].key") }
    }
}
