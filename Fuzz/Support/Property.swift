// Shared by every fuzz target: compiled into each target's binary together with the Wire sources (one module).

/// Stops the run when a property does not hold, so libFuzzer saves the input as a crash.
///
/// The message names the property; `fatalError` prints it before the trap.
func expect(
    _ condition: Bool, _ property: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) {
    if !condition { fatalError("property failed: \(property())", file: file, line: line) }
}

/// The input cut at each LF into exactly `count` fields: missing fields are nil, the last field keeps the rest
/// (LF included).
func fields(_ bytes: [UInt8], count: Int) -> [[UInt8]?] {
    var out: [[UInt8]?] = []
    var rest = bytes[...]
    while out.count < count - 1, let end = rest.firstIndex(of: 0x0A) {
        out.append(Array(rest[..<end]))
        rest = rest[(end + 1)...]
    }
    out.append(Array(rest))
    return out + [[UInt8]?](repeating: nil, count: count - out.count)
}

/// Bytes as a Swift `String`, the way an HTTP server hands text over (invalid UTF-8 becomes U+FFFD).
func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// Byte-wise string equality (`==` on `String` treats canonically equivalent strings as equal: K and U+212A).
func same(_ lhs: String, _ rhs: String) -> Bool { lhs.utf8.elementsEqual(rhs.utf8) }

/// Whether `code` is one the decoder may give for a change set in transport form (`docs/protocol.md` 6 and 10.3).
func isDecoderCode(_ code: WireError.Code) -> Bool {
    let name = code.rawValue
    return name.hasPrefix("json.") || name.hasPrefix("changeset.") || code == .badBase64 || code == .malformedSignature
}

/// Whether an error's byte offset, when it has one, points into the input or just past its end.
func offsetIsInside(_ error: WireError, _ bytes: [UInt8]) -> Bool {
    error.offset.map { (0...bytes.count).contains($0) } ?? true
}
