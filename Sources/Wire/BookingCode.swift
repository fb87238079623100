import Foundation

/// Booking codes for humans: `HB-` and 8 Crockford base-32 characters derived from the booking's UUID.
///
/// Derivation: digest₀ = BLAKE2b-256(`hutsync/booking-code` ‖ the id's 16 bytes), read as a big-endian bit string,
/// 5 bits per character (51 characters). Candidate k (k = 0, 1, …) is characters 8k+1…8k+8 for k < 6; past that,
/// digest_j = BLAKE2b-256(`hutsync/booking-code` ‖ id ‖ byte j) supplies candidates 6j…6j+5 the same way. A booking
/// takes the first candidate not already held by an earlier booking in log order (the store applies that rule).
package enum BookingCode {
    package static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    package static let domain = Array("hutsync/booking-code".utf8)
    private static let windowsPerDigest = 6

    /// The `k`-th candidate code for `bookingID` (a lower-case hyphenated UUID), or nil if the id is malformed.
    package static func candidate(_ k: Int, for bookingID: String, prefix: String = "HB") -> String? {
        guard let idBytes = UUIDText.bytes(bookingID), k >= 0, k < 256 * windowsPerDigest else { return nil }
        let round = k / windowsPerDigest
        var message = domain
        message.append(contentsOf: idBytes)
        if round > 0 { message.append(UInt8(round)) }
        let digest = Sodium.blake2b256(message)
        var code = prefix
        code.append("-")
        code.append(String(decoding: crockford(digest, from: (k % windowsPerDigest) * 8, count: 8), as: UTF8.self))
        return code
    }

    /// The code a booking takes: the first candidate that `isTaken` says no earlier booking holds. The store calls
    /// this inside apply with a lookup of codes already assigned in log order.
    package static func assign(
        for bookingID: String, prefix: String = "HB", isTaken: (String) throws -> Bool
    ) rethrows -> String? {
        for k in 0..<(256 * windowsPerDigest) {
            guard let code = candidate(k, for: bookingID, prefix: prefix) else { return nil }
            if try !isTaken(code) { return code }
        }
        return nil
    }

    /// `count` of the digest's Crockford characters from character `start` (5 bits each, big-endian).
    static func crockford(_ digest: [UInt8], from start: Int, count: Int) -> [UInt8] {
        (start..<(start + count)).map { character in
            let bit = character * 5
            let pair = Int(digest[bit / 8]) << 8 | Int(bit / 8 + 1 < digest.count ? digest[bit / 8 + 1] : 0)
            return alphabet[(pair >> (11 - bit % 8)) & 0x1F]
        }
    }

    /// The digest's 51 Crockford characters (the last bit is unused).
    static func crockford(_ digest: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = 0
        var bits = 0
        for byte in digest {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[(buffer >> bits) & 0x1F])
            }
            buffer &= (1 << bits) - 1
        }
        return out
    }

    /// Reads a code as a person types it: any case, spaces and dashes anywhere, with or without the prefix, O as 0
    /// and I or L as 1. Returns the canonical `HB-XXXXXXXX`.
    package static func parse(_ text: String, prefix: String = "HB") throws(WireError) -> String {
        var characters = text.uppercased().utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "-") }
        let prefixBytes = Array(prefix.uppercased().utf8)
        if characters.count == 8 + prefixBytes.count, characters.starts(with: prefixBytes) {
            characters.removeFirst(prefixBytes.count)
        }
        guard characters.count == 8 else {
            throw WireError(.badBookingCode, "a booking code is \(prefix)- and 8 characters, like \(prefix)-7K3M9Q2D")
        }
        let normalised = try characters.map { (byte: UInt8) throws(WireError) -> UInt8 in
            switch byte {
            case UInt8(ascii: "O"): return UInt8(ascii: "0")
            case UInt8(ascii: "I"), UInt8(ascii: "L"): return UInt8(ascii: "1")
            case let other where alphabet.contains(other): return other
            default:
                throw WireError(.badBookingCode, "'\(Character(Unicode.Scalar(byte)))' is not a booking-code character")
            }
        }
        return prefix.uppercased() + "-" + String(decoding: normalised, as: UTF8.self)
    }
}

/// UUIDs as the wire writes them: lower-case, hyphenated, 36 characters.
package enum UUIDText {
    /// The 16 bytes of a lower-case hyphenated UUID, or nil for any other form.
    /// (One pass over the text: apply checks every id it reads.)
    package static func bytes(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { utf8 -> [UInt8]? in
            guard utf8.count == 36 else { return nil }
            var valid = true
            let bytes = [UInt8](unsafeUninitializedCapacity: 16) { buffer, initialized in
                var position = 0
                while position < 36, valid {
                    if position == 8 || position == 13 || position == 18 || position == 23 {
                        valid = utf8[position] == UInt8(ascii: "-")
                        position += 1
                    } else if let high = Hex.nibble(utf8[position]), let low = Hex.nibble(utf8[position + 1]) {
                        buffer[initialized] = high << 4 | low
                        initialized += 1
                        position += 2
                    } else {
                        valid = false
                    }
                }
            }
            return valid ? bytes : nil
        }
    }

    package static func isValid(_ text: String) -> Bool { bytes(text) != nil }

    /// A new random (version 4) UUID in wire form.
    package static func random() -> String {
        var bytes = Sodium.randomBytes(16)
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        return text(bytes)
    }

    /// A new time-ordered (version 7, RFC 9562) UUID for a new record: the Unix time in milliseconds, big-endian, in
    /// the first 48 bits, then 74 random bits. Records created one after another get ids that sort after each other,
    /// so every index keyed by them grows at its end instead of touching a random leaf per insert (on a replica of
    /// 100k bookings, that halved the pages each applied booking writes). Apply does not care which version an id
    /// is: any lower-case hyphenated UUID is valid on the wire.
    package static func timeOrdered(milliseconds: Int = currentMilliseconds()) -> String {
        var bytes = Sodium.randomBytes(16)
        let milliseconds = UInt64(max(milliseconds, 0))
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
        bytes[6] = (bytes[6] & 0x0F) | 0x70
        return text(bytes)
    }

    package static func currentMilliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
    }

    private static func text(_ bytes: [UInt8]) -> String {
        var bytes = bytes
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Array(Hex.encode(bytes))
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-")
    }

    /// Reads a UUID in either case (the CLI accepts both) and returns the wire form, or nil.
    package static func normalise(_ text: String) -> String? {
        let lower = text.lowercased()
        return isValid(lower) ? lower : nil
    }
}
