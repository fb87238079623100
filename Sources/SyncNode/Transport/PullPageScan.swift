import Wire

extension PullPage {
    /// A page exactly as the relay writes it (`PullPageJSON`: canonical JSON, its members in that order, strings of
    /// printable ASCII without escapes) read straight from its bytes: the general reading built a JSON tree of the
    /// whole page (a thousand entries, each change set a long string) only to take it apart. Nil for any other
    /// form, which the general reading then decides; for every page this reads, both give the same page.
    package static func scan(_ bytes: [UInt8]) -> PullPage? {
        bytes.withUnsafeBufferPointer { buffer -> PullPage? in
            var scanner = ByteScanner(buffer: buffer)
            guard scanner.literal(#"{"entries":["#) else { return nil }
            var entries: [PulledEntry] = []
            if !scanner.literal("]") {
                repeat {
                    guard let entry = scanner.entry() else { return nil }
                    entries.append(entry)
                } while scanner.literal(",")
                guard scanner.literal("]") else { return nil }
            }
            guard scanner.literal(#","head":"#), let headBytes = scanner.value(),
                let headValue = try? CanonicalJSON.decodeUnlimited(headBytes),
                let head = try? Self.head(headValue)
            else { return nil }
            var nextCounter: Int?
            if scanner.literal(#","next_counter":"#) {
                guard let counter = scanner.integer() else { return nil }
                nextCounter = counter
            }
            guard scanner.literal("}"), scanner.atEnd else { return nil }
            return PullPage(entries: entries, head: head, nextCounter: nextCounter)
        }
    }
}

/// Reads the relay's canonical forms byte by byte; every read returns nil (or false) on anything else.
private struct ByteScanner {
    let buffer: UnsafeBufferPointer<UInt8>
    var position = 0

    var atEnd: Bool { position == buffer.count }

    mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard position + count <= buffer.count else { return false }
        for offset in 0..<count where buffer[position + offset] != text.utf8Start[offset] { return false }
        position += count
        return true
    }

    /// The rest of a string whose opening quote was read, up to and past its closing quote: printable ASCII only.
    mutating func string() -> String? {
        let start = position
        while position < buffer.count {
            let byte = buffer[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<position - 1]), as: UTF8.self)
            }
            guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
            position += 1
        }
        return nil
    }

    /// A non-negative integer in canonical form (no sign, no leading zero) within canonical JSON's range (2^53−1).
    mutating func integer() -> Int? {
        let start = position
        var value = 0
        while position < buffer.count, (0x30...0x39).contains(buffer[position]), position - start < 18 {
            value = value * 10 + Int(buffer[position] - 0x30)
            position += 1
        }
        let digits = position - start
        guard digits > 0, digits == 1 || buffer[start] != 0x30, value <= WireLimits.maxInteger,
            position == buffer.count || !(0x30...0x39).contains(buffer[position])
        else { return nil }
        return value
    }

    /// The bytes of one JSON object (to its matching brace, strings skipped with their escapes), not yet checked.
    mutating func value() -> [UInt8]? {
        guard position < buffer.count, buffer[position] == UInt8(ascii: "{") else { return nil }
        let start = position
        var depth = 0
        var inString = false
        while position < buffer.count {
            let byte = buffer[position]
            position += 1
            if inString {
                if byte == UInt8(ascii: "\\") {
                    position += 1
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return Array(buffer[start..<position]) }
            default: break
            }
        }
        return nil
    }

    /// One entry: `{"change_set":{"change_set","signature"},"digest","hash","outcome","seq","time"}`.
    mutating func entry() -> PulledEntry? {
        guard literal(#"{"change_set":{"change_set":""#), let body = string(), literal(#","signature":""#),
            let signature = string(), literal(#"},"digest":""#), let digest = string(),
            let digestBytes = try? Hex.decode(digest, byteCount: 32), literal(#","hash":""#), let hash = string(),
            let hashBytes = try? Hex.decode(hash, byteCount: 32), literal(#","outcome":"#),
            let outcome = outcome(), literal(#","seq":"#), let seq = integer(), literal(#","time":""#),
            let time = string(), let relayTime = UTCTime(time), literal("}")
        else { return nil }
        return PulledEntry(
            seq: seq, relayTime: relayTime,
            changeSet: .object([JSONMember("change_set", .string(body)), JSONMember("signature", .string(signature))]),
            outcome: outcome, digest: digestBytes, hash: hashBytes)
    }

    /// An outcome's canonical JSON as it stands (canonical JSON has one encoding per value, so bytes that decode as
    /// canonical JSON are what encoding the value would write); the two common ones compared, not decoded.
    mutating func outcome() -> String? {
        guard let bytes = value() else { return nil }
        if bytes.elementsEqual(Self.applied) || bytes.elementsEqual(Self.conflicted) {
            return String(decoding: bytes, as: UTF8.self)
        }
        guard (try? CanonicalJSON.decode(bytes)) != nil else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let applied = Array(Outcome.applied.canonicalText.utf8)
    private static let conflicted = Array(Outcome.conflicted.canonicalText.utf8)
}
