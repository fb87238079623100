/// The canonical JSON of the wire format: RFC 8785 in spirit, narrowed to what HutSync needs.
///
/// UTF-8; object keys from `[a-z0-9_]`, strictly increasing in byte order; no insignificant whitespace; integers only,
/// within ±(2^53−1), with no leading zeros and no `-0`; strings in NFC; escapes only for `"`, `\`, the short forms
/// `\b \f \n \r \t`, and other controls below U+0020 as lower-case `\u00xx`. There is exactly one encoding of every
/// value, so `decode` refuses anything that `encode` would not have written.
package enum CanonicalJSON {
    /// Reads canonical bytes, refusing any deviation with a typed ``WireError``.
    ///
    /// - Parameter maxBytes: a limit on the input size (``WireError/Code/tooLarge`` past it).
    package static func decode(_ bytes: [UInt8], maxBytes: Int = .max) throws(WireError) -> JSONValue {
        guard bytes.count <= maxBytes else {
            throw WireError(.tooLarge, "\(bytes.count) bytes is over the limit of \(maxBytes)")
        }
        var parser = CanonicalParser(bytes)
        let value = try parser.parseValue(depth: 1)
        try parser.expectEnd()
        return value
    }

    /// How deep ``decodeUnlimited(_:)`` and ``encodeUnlimited(_:)`` let arrays and objects nest. What HutSync writes
    /// nests a few levels (a pull page 5, down to an outcome's `holders`); the bound only keeps a hostile answer
    /// from exhausting the stack of the recursive reader.
    package static let unlimitedDepth = 64

    /// Reads canonical JSON without the change-set limits (string length, depth 8; nesting stops at
    /// ``unlimitedDepth``): the relay's pull pages, whose base64 change sets are longer than a change set's own
    /// strings may be.
    package static func decodeUnlimited(_ bytes: [UInt8]) throws(WireError) -> JSONValue {
        var parser = CanonicalParser(bytes, limits: false)
        let value = try parser.parseValue(depth: 1)
        try parser.expectEnd()
        return value
    }

    /// Writes the one canonical encoding of `value`, refusing values that have none (bad keys, non-NFC strings,
    /// integers out of range, too deep, too long strings).
    package static func encode(_ value: JSONValue) throws(WireError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        try CanonicalWriter.write(value, into: &out, depth: 1)
        return out
    }

    /// The same encoding without the change-set limits (string length, depth 8; nesting stops at ``unlimitedDepth``),
    /// for HTTP bodies such as pull pages, whose base64 change sets are longer than a change set's strings may be.
    package static func encodeUnlimited(_ value: JSONValue) throws(WireError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        try CanonicalWriter.write(value, into: &out, depth: 1, limits: false)
        return out
    }

    /// Whether `key` is a valid object key: non-empty, from `[a-z0-9_]`.
    package static func isValidKey<S: Sequence<UInt8>>(_ key: S) -> Bool {
        var any = false
        for byte in key {
            guard isKeyByte(byte) else { return false }
            any = true
        }
        return any
    }

    /// Whether `byte` may appear in an object key: `[a-z0-9_]`.
    @inline(__always)
    static func isKeyByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
    }

    /// Whether a string is in Unicode Normalization Form C.
    package static func isNFC(_ string: String) -> Bool {
        var utf8 = string.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) { return true }
        utf8 = string.utf8
        // `_nfcCodeUnits` is the standard library's own NFC normaliser (public, underscored; swift-foundation uses
        // it too). It avoids pulling Foundation into the codec.
        return string._nfcCodeUnits.elementsEqual(utf8)
    }

    /// `string` in NFC: the edges (CLI, conversation) normalise user input with this before building operations.
    package static func nfc(_ string: String) -> String {
        isNFC(string) ? string : String(decoding: string._nfcCodeUnits, as: UTF8.self)
    }
}
