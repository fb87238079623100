import CSodium

/// Lower-case hexadecimal, the form of every hash, digest, key and signature in JSON.
package enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Strict lower-case hex; `byteCount` (when given) is the exact length the decoded value must have.
    package static func decode(_ string: String, byteCount: Int? = nil) throws(WireError) -> [UInt8] {
        let utf8 = Array(string.utf8)
        guard utf8.count % 2 == 0, byteCount.map({ utf8.count == $0 * 2 }) ?? true else {
            throw WireError(.badHex, "expected \(byteCount.map { "\($0 * 2) " } ?? "")lower-case hex characters")
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else {
                throw WireError(.badHex, "expected lower-case hex characters")
            }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// Whether `string` is exactly `byteCount` bytes of lower-case hex.
    package static func isValid(_ string: String, byteCount: Int) -> Bool {
        string.utf8.count == byteCount * 2 && string.utf8.allSatisfy { nibble($0) != nil }
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}

/// Standard base64 with padding (RFC 4648 §4), decoded strictly: no whitespace, no missing padding, and the unused
/// bits of the last character must be zero — so every byte string has exactly one base64 form.
package enum Base64 {
    package static func encode(_ bytes: [UInt8]) -> String {
        Sodium.ensureReady()
        let variant = Int32(sodium_base64_VARIANT_ORIGINAL)
        let length = sodium_base64_encoded_len(bytes.count, variant)
        var out = [CChar](repeating: 0, count: length)
        _ = sodium_bin2base64(&out, length, bytes, bytes.count, variant)
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    package static func decode(_ string: String) throws(WireError) -> [UInt8] {
        Sodium.ensureReady()
        let input = Array(string.utf8)
        var out = [UInt8](repeating: 0, count: input.count / 4 * 3 + 3)
        var length = 0
        let status = input.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                sodium_base642bin(
                    &out, out.count, chars.baseAddress, input.count, nil, &length, nil,
                    Int32(sodium_base64_VARIANT_ORIGINAL))
            }
        }
        // libsodium accepts a missing final padding group in some cases; canonical form requires a length of 4k.
        guard status == 0, input.count % 4 == 0 else { throw WireError(.badBase64, "not canonical base64") }
        return Array(out.prefix(length))
    }
}
