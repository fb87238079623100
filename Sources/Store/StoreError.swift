/// A failure of the store that is not a domain outcome: something a correct relay can never produce (integrity), or
/// a database failure. (An entry this version cannot read fails earlier, in the decoder.)
package struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code): \(message)" }

    package struct Code: Sendable, Hashable, CustomStringConvertible {
        package let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        /// The entry does not follow this replica's log (sequence gap, counter gap, time going back, bad genesis).
        package static let integrity = Code("store.integrity")
        /// The database failed (I/O, corruption, a schema from a newer version).
        package static let database = Code("store.database")
    }
}
