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
        let byte = bytes[index]
        if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
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
        if try peek() == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        // The previous key, as a range of `bytes`: keys are never escaped (an escape stands for a byte outside
        // `[a-z0-9_]`), so a valid key's bytes are its bytes in the input.
        var previousKey = 0..<0
        while true {
            let keyStart = index
            let found = try peek()
            guard found == UInt8(ascii: "\"") else { throw unexpected(found, expecting: "a key") }
            let keyRange = try parseKey()
            if !previousKey.isEmpty, !Self.precedes(bytes[previousKey], bytes[keyRange]) {
                throw Self.orderError(bytes[keyRange], after: members, offset: keyStart)
            }
            previousKey = keyRange
            try expect(UInt8(ascii: ":"), "':'")
            let key = String(decoding: bytes[keyRange], as: UTF8.self)
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

    /// Reads a key (at its opening quote) and returns the range of its bytes between the quotes. A key of plain
    /// `[a-z0-9_]` bytes within the string limit is read in place; anything else is read as a string first, so that
    /// its errors come in the same order as for any string (a bad escape, then a bad key).
    private mutating func parseKey() throws(WireError) -> Range<Int> {
        let keyStart = index
        let start = index + 1
        let limit = limits ? WireLimits.stringBytes : Int.max
        var end = start
        while end < bytes.count, end - start <= limit, CanonicalJSON.isKeyByte(bytes[end]) { end += 1 }
        if end < bytes.count, end > start, end - start <= limit, bytes[end] == UInt8(ascii: "\"") {
            index = end + 1
            return start..<end
        }
        let key = try parseString()
        guard CanonicalJSON.isValidKey(key.utf8) else {
            throw WireError(.badKey, "object keys are non-empty and use only a-z, 0-9 and _", offset: keyStart)
        }
        // A valid key has no escapes, so its input bytes are the key's bytes.
        return start..<(index - 1)
    }

    /// Byte order of two keys (`lexicographicallyPrecedes`, without its iterator overhead).
    private static func precedes(_ lhs: ArraySlice<UInt8>, _ rhs: ArraySlice<UInt8>) -> Bool {
        var left = lhs.startIndex
        var right = rhs.startIndex
        while left < lhs.endIndex, right < rhs.endIndex {
            if lhs[left] != rhs[right] { return lhs[left] < rhs[right] }
            left += 1
            right += 1
        }
        return left == lhs.endIndex && right < rhs.endIndex
    }

    /// A key that does not come after the previous one is a duplicate if an earlier member has it (keys so far are
    /// valid ASCII, so comparing strings compares bytes), otherwise misplaced.
    private static func orderError(_ key: ArraySlice<UInt8>, after members: [JSONMember], offset: Int) -> WireError {
        let name = String(decoding: key, as: UTF8.self)
        if members.contains(where: { $0.key == name }) {
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
        if index < bytes.count,
            bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")
        {
            throw WireError(.float, "numbers are integers only: no fractions or exponents", offset: start)
        }
        if negative, magnitude == 0 {
            throw WireError(.nonCanonicalNumber, "-0 is written 0", offset: start)
        }
        return negative ? -magnitude : magnitude
    }

    private mutating func parseString() throws(WireError) -> String {
        // Fast path: printable ASCII without escapes, within the limit, is the string's bytes in place.
        let start = index + 1
        let limit = limits ? WireLimits.stringBytes : Int.max
        var end = start
        while end < bytes.count, end - start <= limit {
            let byte = bytes[end]
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\"), byte != UInt8(ascii: "\"") else { break }
            end += 1
        }
        if end < bytes.count, end - start <= limit, bytes[end] == UInt8(ascii: "\"") {
            index = end + 1
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        return try parseStringSlowly()
    }

    /// Reads any string, byte by byte: escapes, UTF-8 checks, NFC and the length limit.
    private mutating func parseStringSlowly() throws(WireError) -> String {
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
        let shortForm = value == 0x08 || value == 0x09 || value == 0x0A || value == 0x0C || value == 0x0D
        guard value < 0x20, !shortForm, lowerCase else {
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
