import CSodium

/// Lower-case hexadecimal, the form of every hash, digest, key and signature in JSON.
package enum Hex {
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let encoded = bytes.withContiguousStorageIfAvailable { source in
            String(unsafeUninitializedCapacity: source.count * 2) { write(source, into: $0) }
        }
        return encoded ?? encode(Array(bytes))
    }

    /// Appends the lower-case hex of `bytes` to `out` (a page of the log is mostly hex and base64).
    package static func append(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        let written: Void? = bytes.withContiguousStorageIfAvailable { source in
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: source.count * 2))
            _ = out.withUnsafeMutableBufferPointer {
                write(source, into: UnsafeMutableBufferPointer(rebasing: $0[start...]))
            }
        }
        if written == nil { append(Array(bytes), to: &out) }
    }

    private static func write(_ source: UnsafeBufferPointer<UInt8>, into target: UnsafeMutableBufferPointer<UInt8>)
        -> Int
    {
        let table: StaticString = "0123456789abcdef"
        let digits = table.utf8Start
        for (index, byte) in source.enumerated() {
            target[2 * index] = digits[Int(byte >> 4)]
            target[2 * index + 1] = digits[Int(byte & 0x0F)]
        }
        return source.count * 2
    }

    /// Strict lower-case hex; `byteCount` (when given) is the exact length the decoded value must have.
    package static func decode(_ string: String, byteCount: Int? = nil) throws(WireError) -> [UInt8] {
        let utf8 = string.utf8
        guard utf8.count % 2 == 0, byteCount.map({ utf8.count == $0 * 2 }) ?? true else {
            throw WireError(.badHex, "expected \(byteCount.map { "\($0 * 2) " } ?? "")lower-case hex characters")
        }
        let decoded = utf8.withContiguousStorageIfAvailable(decode) ?? Array(utf8).withUnsafeBufferPointer(decode)
        guard let decoded else { throw WireError(.badHex, "expected lower-case hex characters") }
        return decoded
    }

    /// The bytes of an even number of lower-case hex characters, or nil for any other character.
    private static func decode(_ utf8: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var valid = true
        let out = [UInt8](unsafeUninitializedCapacity: utf8.count / 2) { buffer, initialized in
            var index = 0
            while index < utf8.count {
                guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else {
                    valid = false
                    break
                }
                buffer[index / 2] = high << 4 | low
                index += 2
            }
            initialized = index / 2
        }
        return valid ? out : nil
    }

    /// Whether `string` is exactly `byteCount` bytes of lower-case hex.
    package static func isValid(_ string: String, byteCount: Int) -> Bool {
        let utf8 = string.utf8
        guard utf8.count == byteCount * 2 else { return false }
        return utf8.withContiguousStorageIfAvailable { $0.allSatisfy { nibble($0) != nil } }
            ?? utf8.allSatisfy { nibble($0) != nil }
    }

    static func nibble(_ byte: UInt8) -> UInt8? {
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
        bytes.withUnsafeBufferPointer { source in
            String(unsafeUninitializedCapacity: encodedCount(source.count)) { write(source, into: $0) }
        }
    }

    /// Appends the base64 of `bytes` to `out`.
    package static func append(_ bytes: [UInt8], to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: encodedCount(bytes.count)))
        bytes.withUnsafeBufferPointer { source in
            _ = out.withUnsafeMutableBufferPointer {
                write(source, into: UnsafeMutableBufferPointer(rebasing: $0[start...]))
            }
        }
    }

    private static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    private static func write(_ source: UnsafeBufferPointer<UInt8>, into target: UnsafeMutableBufferPointer<UInt8>)
        -> Int
    {
        let table: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        let alphabet = table.utf8Start
        var input = 0
        var output = 0
        while input + 3 <= source.count {
            let group = UInt32(source[input]) << 16 | UInt32(source[input + 1]) << 8 | UInt32(source[input + 2])
            target[output] = alphabet[Int(group >> 18)]
            target[output + 1] = alphabet[Int(group >> 12 & 0x3F)]
            target[output + 2] = alphabet[Int(group >> 6 & 0x3F)]
            target[output + 3] = alphabet[Int(group & 0x3F)]
            input += 3
            output += 4
        }
        let left = source.count - input
        if left > 0 {
            let group = UInt32(source[input]) << 16 | (left == 2 ? UInt32(source[input + 1]) << 8 : 0)
            target[output] = alphabet[Int(group >> 18)]
            target[output + 1] = alphabet[Int(group >> 12 & 0x3F)]
            target[output + 2] = left == 2 ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "=")
            target[output + 3] = UInt8(ascii: "=")
            output += 4
        }
        return output
    }

    /// Decodes canonical base64: groups of four characters of the standard alphabet, the last one padded with `=`
    /// to four, and the bits that the padding leaves over zero.
    ///
    /// This is what libsodium's `sodium_base642bin` (with padding, no ignored characters) accepts on inputs of a
    /// multiple of four characters, decoded here without a copy of the string and several times faster: it runs on
    /// every change set of every pull page. Except for one thing, kept for compatibility: libsodium reads every byte
    /// from 0x80 up as if it were `/`, so `"éééé"` decodes to six 0xFF bytes. A string with such bytes goes to
    /// libsodium as before.
    package static func decode(_ string: String) throws(WireError) -> [UInt8] {
        let utf8 = string.utf8
        let decoded = utf8.withContiguousStorageIfAvailable(decode) ?? Array(utf8).withUnsafeBufferPointer(decode)
        if let decoded { return decoded }
        if utf8.contains(where: { $0 >= 0x80 }) { return try decodeWithSodium(string) }
        throw WireError(.badBase64, "not canonical base64")
    }

    /// The decoding through libsodium, for strings with bytes from 0x80 up.
    private static func decodeWithSodium(_ string: String) throws(WireError) -> [UInt8] {
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

    /// The value of each base64 character; 0xFF for every other byte (`=` included).
    private static let values: [UInt8] = {
        var values = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            values[Int(character)] = UInt8(value)
        }
        return values
    }()

    /// The bytes that canonical base64 `input` stands for, or nil if it is not canonical base64.
    private static func decode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard input.count % 4 == 0 else { return nil }
        guard input.count > 0 else { return [] }
        let equals = UInt8(ascii: "=")
        let padding = input[input.count - 1] != equals ? 0 : input[input.count - 2] != equals ? 1 : 2
        let groups = input.count / 4
        var valid = true
        let out = values.withUnsafeBufferPointer { values in
            [UInt8](unsafeUninitializedCapacity: groups * 3 - padding) { buffer, initialized in
                initialized = 0
                // Whole groups: four characters, three bytes.
                for group in 0..<(padding == 0 ? groups : groups - 1) {
                    let a = values[Int(input[group * 4])]
                    let b = values[Int(input[group * 4 + 1])]
                    let c = values[Int(input[group * 4 + 2])]
                    let d = values[Int(input[group * 4 + 3])]
                    guard (a | b | c | d) & 0x80 == 0 else {
                        valid = false
                        return
                    }
                    buffer[group * 3] = a << 2 | b >> 4
                    buffer[group * 3 + 1] = b << 4 | c >> 2
                    buffer[group * 3 + 2] = c << 6 | d
                }
                guard padding > 0 else {
                    initialized = groups * 3
                    return
                }
                // The padded last group: two characters and `==` (one byte, 4 bits over) or three and `=` (two
                // bytes, 2 bits over).
                let last = (groups - 1) * 4
                let a = values[Int(input[last])]
                let b = values[Int(input[last + 1])]
                let c = padding == 1 ? values[Int(input[last + 2])] : 0
                guard (a | b | c) & 0x80 == 0, padding == 1 ? c & 0x03 == 0 : b & 0x0F == 0 else {
                    valid = false
                    return
                }
                buffer[(groups - 1) * 3] = a << 2 | b >> 4
                if padding == 1 { buffer[(groups - 1) * 3 + 1] = b << 4 | c >> 2 }
                initialized = groups * 3 - padding
            }
        }
        return valid ? out : nil
    }
}
