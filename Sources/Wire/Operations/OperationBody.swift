/// The fields of one operation kind. Every field is a string, integer, boolean, array or nested object; an optional
/// field is omitted when it has no value (`null` never appears on the wire).
///
/// Bodies check **structure only** (the decoder refuses a missing field or a wrong JSON type). Whether the values make
/// sense — a date, a shift, an id, a range, a reference — is an apply rule with a reason code.
package protocol OperationBody: Codable, Sendable, Hashable {
    /// The operation's name on the wire (`booking.create`).
    static var name: String { get }
}

/// A payment account: the platform payee, an owner's account, or the payee a booking was quoted with.
package struct PaymentAccount: Codable, Sendable, Hashable {
    /// `easypaisa`, `jazzcash` or `bank`.
    package var method: String
    /// The account number as the owner wrote it.
    package var account: String
    /// The account title (holder's name).
    package var title: String

    package init(method: String, account: String, title: String) {
        self.method = method
        self.account = account
        self.title = title
    }
}
