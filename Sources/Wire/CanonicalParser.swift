/// A strict recursive-descent reader of canonical JSON.
struct CanonicalParser {
    private let bytes: [UInt8]
    private let limits: Bool
    private var index = 0

    init(_ bytes: [UInt8], limits: Bool = true) {
        self.bytes = bytes
        self.limits = limits
    }

    private func fail(_ code: WireError.Code, _ message: String) -> WireError {
        WireError(code, message, offset: index)
    }

    private func peek() throws(WireError) -> UInt8 {
        guard index < bytes.count else { throw fail(.unexpectedEnd, "the input ends inside a value") }
        return bytes[index]
    }

    private func unexpected(_ byte: UInt8, expecting what: String) -> WireError {
        if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            return fail(.whitespace, "insignificant whitespace is not allowed")
        }
        return fail(.unexpectedCharacter, "expected \(what)")
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(WireError) {
        let found = try peek()
        guard found == byte else { throw unexpected(found, expecting: what) }
        index += 1
    }

    func expectEnd() throws(WireError) {
        guard index < bytes.count else { return }
        if [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
            throw fail(.whitespace, "insignificant whitespace is not allowed")
        }
        throw fail(.trailingData, "data after the end of the value")
    }

    mutating func parseValue(depth: Int) throws(WireError) -> JSONValue {
        switch try peek() {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .int(try parseInteger())
        case let other: throw unexpected(other, expecting: "a value")
        }
    }

    private mutating func parseLiteral(_ literal: StaticString) throws(WireError) {
        let start = index
        for byte in UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount) {
            guard index < bytes.count, bytes[index] == byte else {
                index = start
                throw fail(.unexpectedCharacter, "expected a value")
            }
            index += 1
        }
    }

    private mutating func enter(_ depth: Int) throws(WireError) {
        let limit = limits ? WireLimits.depth : CanonicalJSON.unlimitedDepth
        guard depth <= limit else { throw fail(.tooDeep, "nesting deeper than \(limit) levels") }
        index += 1
    }

    private mutating func parseArray(depth: Int) throws(WireError) -> JSONValue {
        try enter(depth)
        var elements: [JSONValue] = []
        if try peek() == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth + 1))
            let byte = try peek()
            index += 1
            if byte == UInt8(ascii: "]") { return .array(elements) }
            guard byte == UInt8(ascii: ",") else {
                index -= 1
                throw unexpected(byte, expecting: "',' or ']'")
            }
        }
    }

    private mutating func parseObject(depth: Int) throws(WireError) -> JSONValue {
        try enter(depth)
        var members: [JSONMember] = []
        var keys: [[UInt8]] = []
        if try peek() == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            let keyStart = index
            let found = try peek()
            guard found == UInt8(ascii: "\"") else { throw unexpected(found, expecting: "a key") }
            let key = try parseString()
            let keyBytes = Array(key.utf8)
            guard CanonicalJSON.isValidKey(keyBytes) else {
                throw WireError(.badKey, "object keys are non-empty and use only a-z, 0-9 and _", offset: keyStart)
            }
            if let last = keys.last, !last.lexicographicallyPrecedes(keyBytes) {
                throw Self.orderError(keyBytes, after: keys, offset: keyStart)
            }
            keys.append(keyBytes)
            try expect(UInt8(ascii: ":"), "':'")
            members.append(JSONMember(key, try parseValue(depth: depth + 1)))
            let byte = try peek()
            index += 1
            if byte == UInt8(ascii: "}") { return .object(members) }
            guard byte == UInt8(ascii: ",") else {
                index -= 1
                throw unexpected(byte, expecting: "',' or '}'")
            }
        }
    }

    /// Keys so far are strictly increasing, so a binary search tells a duplicate from a misplaced key.
    private static func orderError(_ key: [UInt8], after keys: [[UInt8]], offset: Int) -> WireError {
        var low = 0
        var high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keys[mid].lexicographicallyPrecedes(key) { low = mid + 1 } else { high = mid }
        }
        let name = String(decoding: key, as: UTF8.self)
        if low < keys.count, keys[low] == key {
            return WireError(.duplicateKey, "the key \"\(name)\" appears twice", offset: offset)
        }
        return WireError(.unsortedKeys, "the key \"\(name)\" is out of byte order", offset: offset)
    }

    private mutating func parseInteger() throws(WireError) -> Int {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 else {
            throw fail(index < bytes.count ? .unexpectedCharacter : .unexpectedEnd, "expected a digit")
        }
        var magnitude = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            if digits == 1, magnitude == 0 {
                throw WireError(.nonCanonicalNumber, "integers have no leading zeros", offset: start)
            }
            magnitude = magnitude * 10 + Int(bytes[index] - 0x30)
            digits += 1
            guard magnitude <= WireLimits.maxInteger else {
                throw WireError(.integerOutOfRange, "integers are limited to ±(2^53−1)", offset: start)
            }
            index += 1
        }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
            throw WireError(.float, "numbers are integers only: no fractions or exponents", offset: start)
        }
        if negative, magnitude == 0 {
            throw WireError(.nonCanonicalNumber, "-0 is written 0", offset: start)
        }
        return negative ? -magnitude : magnitude
    }

    private mutating func parseString() throws(WireError) -> String {
        index += 1  // the opening quote
        var out: [UInt8] = []
        var sawNonASCII = false
        while true {
            guard index < bytes.count else { throw fail(.unexpectedEnd, "the input ends inside a string") }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try finishString(out, nonASCII: sawNonASCII)
            case UInt8(ascii: "\\"):
                out.append(try parseEscape())
            case 0..<0x20:
                throw fail(.controlCharacter, "control characters in strings must be escaped")
            case 0x80...:
                try copyUTF8Sequence(into: &out)
                sawNonASCII = true
            default:
                out.append(byte)
                index += 1
            }
            guard !limits || out.count <= WireLimits.stringBytes else {
                throw fail(.stringTooLong, "strings are limited to \(WireLimits.stringBytes) UTF-8 bytes")
            }
        }
    }

    private func finishString(_ utf8: [UInt8], nonASCII: Bool) throws(WireError) -> String {
        let string = String(decoding: utf8, as: UTF8.self)
        if nonASCII, !CanonicalJSON.isNFC(string) {
            throw WireError(.notNFC, "strings must be in Unicode NFC", offset: index - 1)
        }
        return string
    }

    /// Reads one escape sequence and returns the byte it stands for (canonical escapes are all below U+0080).
    private mutating func parseEscape() throws(WireError) -> UInt8 {
        index += 1
        guard index < bytes.count else { throw fail(.unexpectedEnd, "the input ends inside an escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return byte
        case UInt8(ascii: "\\"): return byte
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "/"):
            index -= 2
            throw fail(.nonCanonicalEscape, "'/' is written unescaped")
        case UInt8(ascii: "u"):
            return try parseUnicodeEscape()
        default:
            index -= 2
            throw fail(.badEscape, "unknown escape sequence")
        }
    }

    private mutating func parseUnicodeEscape() throws(WireError) -> UInt8 {
        let start = index - 2
        guard index + 4 <= bytes.count else { throw fail(.unexpectedEnd, "the input ends inside an escape") }
        var value = 0
        var lowerCase = true
        for byte in bytes[index..<index + 4] {
            switch byte {
            case 0x30...0x39: value = value * 16 + Int(byte - 0x30)
            case 0x61...0x66: value = value * 16 + Int(byte - 0x61 + 10)
            case 0x41...0x46:
                value = value * 16 + Int(byte - 0x41 + 10)
                lowerCase = false
            default: throw WireError(.badEscape, "\\u needs four hex digits", offset: start)
            }
        }
        index += 4
        let shortForms: Set<Int> = [0x08, 0x09, 0x0A, 0x0C, 0x0D]
        guard value < 0x20, !shortForms.contains(value), lowerCase else {
            throw WireError(
                .nonCanonicalEscape,
                "\\u escapes are only for controls without a short form, in lower-case hex",
                offset: start
            )
        }
        return UInt8(value)
    }

    /// Validates one UTF-8 sequence strictly (no overlongs, surrogates or values past U+10FFFF) and copies it.
    private mutating func copyUTF8Sequence(into out: inout [UInt8]) throws(WireError) {
        let lead = bytes[index]
        let (length, minimum): (Int, UInt32) =
            switch lead {
            case 0xC2...0xDF: (2, 0x80)
            case 0xE0...0xEF: (3, 0x800)
            case 0xF0...0xF4: (4, 0x10000)
            default: (0, 0)
            }
        guard length > 0, index + length <= bytes.count else { throw fail(.invalidUTF8, "invalid UTF-8") }
        var scalar = UInt32(lead) & (0xFF >> (length + 1))
        for byte in bytes[(index + 1)..<(index + length)] {
            guard byte & 0xC0 == 0x80 else { throw fail(.invalidUTF8, "invalid UTF-8") }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
            throw fail(.invalidUTF8, "invalid UTF-8")
        }
        out.append(contentsOf: bytes[index..<(index + length)])
        index += length
    }
}
