import TestSupport
import Testing

@testable import Wire

private func decode(_ text: String) throws(WireError) -> JSONValue { try CanonicalJSON.decode(Array(text.utf8)) }

private func code(of text: String) -> WireError.Code? {
    do {
        _ = try decode(text)
        return nil
    } catch {
        return error.code
    }
}

@Suite struct CanonicalJSONDecodeTests {
    @Test func readsEveryValueKindInOrder() throws {
        let value = try decode(#"{"a":[1,-2,true,false,null,"x"],"b":{},"c":[],"d":"é/\"\\\n\u001f"}"#)
        #expect(
            value
                == .object([
                    JSONMember("a", .array([.int(1), .int(-2), .bool(true), .bool(false), .null, .string("x")])),
                    JSONMember("b", .object([])), JSONMember("c", .array([])),
                    JSONMember("d", .string("é/\"\\\n\u{1F}")),
                ]))
    }

    @Test func decodeThenEncodeGivesTheSameBytes() throws {
        let texts = [
            #"{"a":[1,-2,true,false,null,"x"],"b":{},"c":[],"d":"é/\"\\\n\u001f\t\b\f\r"}"#,
            #"{"name":"ساحل فارم ہاؤس","z":9007199254740991,"zz":-9007199254740991}"#, "[]", "0", #""""#,
        ]
        for text in texts {
            let bytes = Array(text.utf8)
            #expect(try CanonicalJSON.encode(CanonicalJSON.decode(bytes)) == bytes, "\(text)")
        }
    }

    @Test(arguments: [
        (#"{"a":1.5}"#, WireError.Code.float),
        (#"{"a":1e3}"#, .float),
        (#"{"a":1E3}"#, .float),
        (#"{"a":01}"#, .nonCanonicalNumber),
        (#"{"a":-0}"#, .nonCanonicalNumber),
        (#"{"a":9007199254740992}"#, .integerOutOfRange),
        (#"{"a":-9007199254740992}"#, .integerOutOfRange),
        (#"{"a":1,"a":2}"#, .duplicateKey),
        (#"{"a":1,"b":2,"a":3}"#, .duplicateKey),
        (#"{"b":1,"a":2}"#, .unsortedKeys),
        (#"{"aa":1,"a":2}"#, .unsortedKeys),
        (#"{"A":1}"#, .badKey),
        (#"{"a-b":1}"#, .badKey),
        (#"{"":1}"#, .badKey),
        (#"{"a": 1}"#, .whitespace),
        (#" {"a":1}"#, .whitespace),
        (#"{"a":1} "#, .whitespace),
        ("{\"a\":1}\n", .whitespace),
        (#"{"a":1}x"#, .trailingData),
        (#"{"a":"\/"}"#, .nonCanonicalEscape),
        (#"{"a":"\u0041"}"#, .nonCanonicalEscape),
        (#"{"a":"\u000a"}"#, .nonCanonicalEscape),
        (#"{"a":"\u001F"}"#, .nonCanonicalEscape),
        (#"{"a":"\u00e9"}"#, .nonCanonicalEscape),
        (#"{"a":"\ud83d\ude00"}"#, .nonCanonicalEscape),
        (#"{"a":"\x"}"#, .badEscape),
        (#"{"a":"\u00g1"}"#, .badEscape),
        ("{\"a\":\"\t\"}", .controlCharacter),
        ("{\"a\":\"cafe\u{301}\"}", .notNFC),
        ("{\"a\":\"\u{212B}\"}", .notNFC),
        (#"{"a":"x"#, .unexpectedEnd),
        (#"{"a":"#, .unexpectedEnd),
        (#"{"a":tru}"#, .unexpectedCharacter),
        (#"{"a":+1}"#, .unexpectedCharacter),
        (#"{"a":1,}"#, .unexpectedCharacter),
        (#"{a:1}"#, .unexpectedCharacter),
        ("", .unexpectedEnd),
    ])
    func refusesEveryDeviation(text: String, expected: WireError.Code) {
        #expect(code(of: text) == expected, "\(text)")
    }

    @Test func refusesInvalidUTF8() {
        let cases: [[UInt8]] = [
            [0xC3, 0x28],  // bad continuation
            [0xC0, 0xAF],  // overlong '/'
            [0xE0, 0x80, 0xAF],  // overlong
            [0xED, 0xA0, 0x80],  // surrogate U+D800
            [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
            [0xFF],
            [0xE2, 0x82],  // truncated
        ]
        for bad in cases {
            let input = Array(#"{"a":""#.utf8) + bad + Array(#""}"#.utf8)
            do {
                _ = try CanonicalJSON.decode(input)
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.code == .invalidUTF8, "\(bad)")
            }
        }
    }

    @Test func enforcesDepthAndStringLimits() throws {
        let deepest = String(repeating: "[", count: WireLimits.depth) + String(repeating: "]", count: WireLimits.depth)
        _ = try decode(deepest)
        let tooDeep = "[" + deepest + "]"
        #expect(code(of: tooDeep) == .tooDeep)

        let longest = String(repeating: "é", count: WireLimits.stringBytes / 2)
        _ = try decode("\"\(longest)\"")
        #expect(code(of: "\"\(longest)a\"") == .stringTooLong)
        #expect(throws: WireError.self) { try CanonicalJSON.decode(Array("[1,2]".utf8), maxBytes: 4) }
    }

    /// Plain ASCII strings and keys are read in place; the limits, escapes and key rules hold the same for them as
    /// for strings read byte by byte, with the same offsets.
    @Test func stringsAndKeysReadInPlaceKeepTheLimitsAndRules() throws {
        let limit = WireLimits.stringBytes
        let longest = String(repeating: "x", count: limit)
        #expect(try decode("\"\(longest)\"") == .string(longest))
        let tooLong = #expect(throws: WireError.self) { try decode("\"\(longest)x\"") }
        #expect(tooLong?.code == .stringTooLong)
        #expect(tooLong?.offset == limit + 2)  // just past the first byte over the limit
        // Unlimited reading (pull pages) takes longer strings, and keys.
        let longer = String(repeating: "x", count: limit + 10)
        #expect(try CanonicalJSON.decodeUnlimited(Array("\"\(longer)\"".utf8)) == .string(longer))
        #expect(
            try CanonicalJSON.decodeUnlimited(Array("{\"\(longer)\":1}".utf8)) == .object([JSONMember(longer, .int(1))])
        )
        #expect(code(of: "{\"\(String(repeating: "k", count: limit))\":1}") == nil)
        #expect(code(of: "{\"\(String(repeating: "k", count: limit + 1))\":1}") == .stringTooLong)
        // Any printable ASCII, DEL included; escapes and other bytes after a plain start are still read.
        #expect(try decode("\"a~\u{7F} !\"") == .string("a~\u{7F} !"))
        #expect(try decode(#""abc\ndef""#) == .string("abc\ndef"))
        #expect(try decode("\"abcé\"") == .string("abcé"))
        #expect(code(of: "\"abc\u{1}\"") == .controlCharacter)
        #expect(code(of: #""abc\/""#) == .nonCanonicalEscape)
        #expect(code(of: #""abc"#) == .unexpectedEnd)
    }

    @Test func keysAreCheckedAsStringsFirstThenAsKeys() {
        // A string error inside a key comes before the key rule; a readable string that is no key is a bad key.
        #expect(code(of: #"{"a\u0061":1}"#) == .nonCanonicalEscape)
        #expect(code(of: #"{"a\/":1}"#) == .nonCanonicalEscape)
        #expect(code(of: #"{"a"#) == .unexpectedEnd)
        #expect(code(of: #"{"a\n":1}"#) == .badKey)
        #expect(code(of: #"{"aé":1}"#) == .badKey)
        #expect(code(of: #"{"a":1,"b\t":2}"#) == .badKey)
        // A bad key is refused where the key starts, before its order is looked at.
        let badKey = #expect(throws: WireError.self) { try decode(#"{"b":1,"A":2}"#) }
        #expect(badKey?.code == .badKey)
        #expect(badKey?.offset == 7)
        // Duplicates are found among all earlier keys, not only the one just before.
        let duplicate = #expect(throws: WireError.self) { try decode(#"{"a":1,"b":2,"c":3,"b":4}"#) }
        #expect(duplicate?.code == .duplicateKey)
        #expect(duplicate?.message == #"the key "b" appears twice"#)
        #expect(duplicate?.offset == 19)
        let unsorted = #expect(throws: WireError.self) { try decode(#"{"a":1,"c":2,"ab":3}"#) }
        #expect(unsorted?.code == .unsortedKeys)
        #expect(unsorted?.message == #"the key "ab" is out of byte order"#)
        // A key that is a prefix of the next one comes first.
        #expect(code(of: #"{"a":1,"a_":2,"ab":3,"b":4}"#) == nil)
        #expect(code(of: #"{"ab":1,"a":2}"#) == .unsortedKeys)
    }

    @Test func errorsCarryTheOffset() {
        do {
            _ = try decode(#"{"a":1,"b":1.5}"#)
            Issue.record("accepted a float")
        } catch {
            #expect(error.offset == 11)  // where "1.5" starts
        }
    }
}

@Suite struct CanonicalJSONEncodeTests {
    @Test func sortsKeysByBytesNotByUnicodeCollation() throws {
        let value = JSONValue.object([JSONMember("b", .int(1)), JSONMember("a_1", .int(2)), JSONMember("a", .int(3))])
        #expect(String(decoding: try CanonicalJSON.encode(value), as: UTF8.self) == #"{"a":3,"a_1":2,"b":1}"#)
    }

    @Test func escapesOnlyWhatItMust() throws {
        let value = JSONValue.string("\"\\/\u{8}\u{C}\n\r\t\u{0}\u{1F}\u{7F}é😀")
        let text = String(decoding: try CanonicalJSON.encode(value), as: UTF8.self)
        #expect(text == "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\u{7F}é😀\"")
    }

    @Test func refusesValuesWithoutACanonicalForm() {
        let cases: [(JSONValue, WireError.Code)] = [
            (.string("cafe\u{301}"), .notNFC),
            (.int(WireLimits.maxInteger + 1), .integerOutOfRange),
            (.object([JSONMember("Bad", .null)]), .badKey),
            (.object([JSONMember("a", .null), JSONMember("a", .null)]), .duplicateKey),
            (.string(String(repeating: "x", count: WireLimits.stringBytes + 1)), .stringTooLong),
            ((0..<WireLimits.depth).reduce(JSONValue.array([])) { inner, _ in .array([inner]) }, .tooDeep),
        ]
        for (value, expected) in cases {
            do {
                _ = try CanonicalJSON.encode(value)
                Issue.record("encoded \(value)")
            } catch {
                #expect(error.code == expected)
            }
        }
    }

    @Test func normalisesAtTheEdgeOnly() {
        #expect(CanonicalJSON.nfc("cafe\u{301}").utf8.elementsEqual("café".utf8))
        #expect(CanonicalJSON.isNFC("ساحل فارم ہاؤس"))
        #expect(!CanonicalJSON.isNFC("cafe\u{301}"))
    }
}
