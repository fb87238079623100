/// A JSON value as the canonical codec reads and writes it: integers only, objects as ordered members.
///
/// Decoding keeps members in input order (which canonical input fixes as byte order of the keys), so nothing is lost
/// or re-ordered between the bytes that were signed and the value a program looks at.
package enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The member named `key`, if this is an object that has one.
    package subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// A short name of the JSON type, for error messages.
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// One member of a JSON object.
package struct JSONMember: Sendable, Hashable {
    package var key: String
    package var value: JSONValue

    package init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// The published limits of the wire format.
package enum WireLimits {
    /// Largest canonical change set, in bytes.
    package static let changeSetBytes = 64 * 1024
    /// Most operations in one change set.
    package static let operationsPerChangeSet = 64
    /// Largest push body, in bytes.
    package static let pushBytes = 4 * 1024 * 1024
    /// Most change sets in one push.
    package static let changeSetsPerPush = 1000
    /// Longest string value, in UTF-8 bytes.
    package static let stringBytes = 4 * 1024
    /// Deepest nesting of arrays and objects; the outermost object is depth 1.
    package static let depth = 8
    /// Largest magnitude of an integer: 2^53 − 1.
    package static let maxInteger = 9_007_199_254_740_991
}
