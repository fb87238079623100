extension TestVectors {
    /// Near-valid change sets that a decoder must refuse, each with the error code it must give. Each is the
    /// `owner-adds-property` vector with one edit (a few use the genesis).
    static func refusals(property: [UInt8], genesis: [UInt8]) -> [JSONValue] {
        let cases: [(name: String, input: [UInt8], code: WireError.Code)] = [
            ("decomposed-e-acute", replace(property, "café", "cafe\u{301}"), .notNFC),
            ("fraction", replace(property, "\"max_guests\":40", "\"max_guests\":40.0"), .float),
            ("exponent", replace(property, "\"max_guests\":40", "\"max_guests\":4e1"), .float),
            ("leading-zero", replace(property, "\"max_guests\":40", "\"max_guests\":040"), .nonCanonicalNumber),
            (
                "negative-zero", replace(property, "\"advance_percent\":25", "\"advance_percent\":-0"),
                .nonCanonicalNumber
            ),
            ("integer-over-2^53-1", replace(property, "28000", "9007199254740992"), .integerOutOfRange),
            ("whitespace", replace(property, "\"counter\":1", "\"counter\": 1"), .whitespace),
            ("duplicate-key", replace(property, "\"counter\":1,", "\"counter\":1,\"counter\":1,"), .duplicateKey),
            ("unsorted-keys", replace(property, "{\"author\":", "{\"v\":1,\"author\":"), .unsortedKeys),
            ("upper-case-key", replace(property, "\"city\":", "\"City\":"), .badKey),
            ("escaped-slash", replace(property, "Plot 12", "Plot\\/12"), .nonCanonicalEscape),
            ("long-escape-for-short-form", replace(property, "\\n", "\\u000a"), .nonCanonicalEscape),
            ("unknown-escape", replace(property, "\\n", "\\x"), .badEscape),
            ("raw-control-character", replace(property, "\\n", "\n"), .controlCharacter),
            ("invalid-utf8", replaceBytes(property, [0xC3, 0xA9], [0xC3, 0x28]), .invalidUTF8),
            ("trailing-data", property + Array("x".utf8), .trailingData),
            (
                "unknown-operation", replace(property, "\"op\":\"property.prices\"", "\"op\":\"property.discount\""),
                .unknownOperation
            ),
            ("missing-field", replace(property, "\"max_guests\":40,", ""), .missingField),
            (
                "unknown-field", replace(property, "\"type\":\"farm\"", "\"type\":\"farm\",\"zone\":\"x\""),
                .unknownField
            ),
            ("wrong-type", replace(property, "\"max_guests\":40", "\"max_guests\":\"40\""), .wrongType),
            ("null-value", replace(property, "\"max_guests\":40", "\"max_guests\":null"), .wrongType),
            ("format-version-2", replace(genesis, "\"v\":1}", "\"v\":2}"), .unsupportedVersion),
            ("bad-author", replace(genesis, "{\"author\":\"", "{\"author\":\"X"), .badEnvelope),
        ]
        return cases.map { name, input, code in
            .object([
                JSONMember("name", .string(name)), JSONMember("input_hex", .string(Hex.encode(input))),
                JSONMember("error", .string(code.rawValue)),
            ])
        }
    }

    /// Replaces the first occurrence, comparing bytes (a `String` search would treat é and e + ◌́ as equal).
    private static func replace(_ bytes: [UInt8], _ old: String, _ new: String) -> [UInt8] {
        replaceBytes(bytes, Array(old.utf8), Array(new.utf8))
    }

    private static func replaceBytes(_ bytes: [UInt8], _ old: [UInt8], _ new: [UInt8]) -> [UInt8] {
        guard
            let start = (0...(bytes.count - old.count)).first(where: { bytes[$0..<($0 + old.count)].elementsEqual(old) }
            )
        else { preconditionFailure("vector edit does not apply: \(String(decoding: old, as: UTF8.self))") }
        return Array(bytes[..<start]) + new + Array(bytes[(start + old.count)...])
    }
}
