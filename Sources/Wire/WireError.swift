/// A failure to read, write, sign or verify something in the wire format.
///
/// `code` is stable and machine-readable (`json.float`, `changeset.unknown_operation`, …): the relay answers door
/// refusals with it and tests match on it. `message` is one human sentence; `offset` is the byte offset in the input
/// where the problem was found, when there is one.
package struct WireError: Error, Sendable, Hashable, CustomStringConvertible {
    package let code: Code
    package let message: String
    package let offset: Int?

    package init(_ code: Code, _ message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    package var description: String {
        if let offset { return "\(code): \(message) (at byte \(offset))" }
        return "\(code): \(message)"
    }

    /// A stable error code. New codes can be added without breaking callers that switch on the ones they know.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        package let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        // Canonical JSON.
        package static let invalidUTF8 = Code("json.invalid_utf8")
        package static let unexpectedEnd = Code("json.unexpected_end")
        package static let unexpectedCharacter = Code("json.unexpected_character")
        package static let whitespace = Code("json.whitespace")
        package static let float = Code("json.float")
        package static let integerOutOfRange = Code("json.integer_out_of_range")
        package static let nonCanonicalNumber = Code("json.noncanonical_number")
        package static let badEscape = Code("json.bad_escape")
        package static let nonCanonicalEscape = Code("json.noncanonical_escape")
        package static let controlCharacter = Code("json.control_character")
        package static let notNFC = Code("json.not_nfc")
        package static let duplicateKey = Code("json.duplicate_key")
        package static let unsortedKeys = Code("json.unsorted_keys")
        package static let badKey = Code("json.bad_key")
        package static let tooDeep = Code("json.too_deep")
        package static let stringTooLong = Code("json.string_too_long")
        package static let trailingData = Code("json.trailing_data")

        // Change-set structure.
        package static let tooLarge = Code("changeset.too_large")
        package static let notAnObject = Code("changeset.not_an_object")
        package static let missingField = Code("changeset.missing_field")
        package static let wrongType = Code("changeset.wrong_type")
        package static let unknownField = Code("changeset.unknown_field")
        package static let unknownOperation = Code("changeset.unknown_operation")
        package static let unsupportedVersion = Code("changeset.unsupported_version")
        package static let badEnvelope = Code("changeset.bad_envelope")
        package static let tooManyOperations = Code("changeset.too_many_operations")
        package static let noOperations = Code("changeset.no_operations")

        // Encodings, keys and signatures.
        package static let badBase64 = Code("encoding.bad_base64")
        package static let badHex = Code("encoding.bad_hex")
        package static let badSignature = Code("signature.bad")
        package static let malformedSignature = Code("signature.malformed")
        package static let badPublicKey = Code("key.bad_public_key")
        package static let badKeyFile = Code("key.bad_file")
        package static let keyFileExists = Code("key.file_exists")
        package static let io = Code("io.failed")
        package static let sealOpenFailed = Code("seal.open_failed")

        // Human-facing values.
        package static let badBookingCode = Code("booking_code.invalid")
    }
}
