/// Writes the canonical encoding of a ``JSONValue`` (see ``CanonicalJSON``).
enum CanonicalWriter {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func write(_ value: JSONValue, into out: inout [UInt8], depth: Int, limits: Bool = true) throws(WireError) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): try writeInteger(number, into: &out)
        case .string(let string): try writeString(string, into: &out, limits: limits)
        case .array(let elements):
            try checkDepth(depth, limits: limits)
            out.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                try write(element, into: &out, depth: depth + 1, limits: limits)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            try checkDepth(depth, limits: limits)
            try writeObject(members, into: &out, depth: depth, limits: limits)
        }
    }

    private static func checkDepth(_ depth: Int, limits: Bool) throws(WireError) {
        let limit = limits ? WireLimits.depth : CanonicalJSON.unlimitedDepth
        guard depth <= limit else { throw WireError(.tooDeep, "nesting deeper than \(limit) levels") }
    }

    private static func writeObject(_ members: [JSONMember], into out: inout [UInt8], depth: Int, limits: Bool)
        throws(WireError)
    {
        let sorted = members.map { (key: Array($0.key.utf8), value: $0.value) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        out.append(UInt8(ascii: "{"))
        for (position, member) in sorted.enumerated() {
            guard CanonicalJSON.isValidKey(member.key) else {
                throw WireError(.badKey, "object keys are non-empty and use only a-z, 0-9 and _")
            }
            if position > 0 {
                guard sorted[position - 1].key != member.key else {
                    throw WireError(
                        .duplicateKey, "the key \"\(String(decoding: member.key, as: UTF8.self))\" appears twice")
                }
                out.append(UInt8(ascii: ","))
            }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: member.key)
            out.append(contentsOf: "\":".utf8)
            try write(member.value, into: &out, depth: depth + 1, limits: limits)
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func writeInteger(_ number: Int, into out: inout [UInt8]) throws(WireError) {
        guard number >= -WireLimits.maxInteger, number <= WireLimits.maxInteger else {
            throw WireError(.integerOutOfRange, "integers are limited to ±(2^53−1)")
        }
        out.append(contentsOf: String(number).utf8)
    }

    private static func writeString(_ string: String, into out: inout [UInt8], limits: Bool) throws(WireError) {
        guard !limits || string.utf8.count <= WireLimits.stringBytes else {
            throw WireError(.stringTooLong, "strings are limited to \(WireLimits.stringBytes) UTF-8 bytes")
        }
        // Fast path (base64 change sets, hex keys, ids — most of what a relay writes): one pass over the contiguous
        // UTF-8 finds nothing to escape and nothing outside ASCII (which is always NFC), and the bytes go out whole.
        let plain = string.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.allSatisfy { $0 >= 0x20 && $0 < 0x80 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        }
        if plain == true {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: string.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        guard CanonicalJSON.isNFC(string) else {
            throw WireError(.notNFC, "strings must be in Unicode NFC")
        }
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x08: out.append(contentsOf: "\\b".utf8)
            case 0x0C: out.append(contentsOf: "\\f".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
