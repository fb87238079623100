/// Decodes `Decodable` values from a ``JSONValue``, mapping Swift's camelCase property names to snake_case keys.
///
/// Only the types the wire format uses are supported: `String`, `Int`, `Bool`, arrays and nested objects. `null`
/// is never the right type: optional fields are written by omitting them.
package enum JSONValueDecoder {
    package static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try decodeTrackingReads(type, from: value).value
    }

    /// Decodes `T` and tells whether the decoding read every member of every object of `value` and every element of
    /// every array. When it did not, `value` has something `T` does not know (an unknown field).
    ///
    /// A member counts as read when the decoding asked for its value (`decode`, a nested container or a super
    /// decoder), not when it only asked whether the member is there (`contains`).
    package static func decodeTrackingReads<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> (
        value: T, readEverything: Bool
    ) {
        let reads = ReadMarks()
        let decoded = try T(from: ValueDecoder(value: value, codingPath: [], reads: reads, base: reads.allocate(value)))
        return (decoded, reads.readEverything)
    }
}

/// What one decoding read: a slot per member of every object and element of every array it opened. A slot records
/// whether its value was read and where the slots of that value's own members or elements start.
///
/// A value's slots are allocated once, when the decoding first opens it, and found again from its parent's slot, so
/// a value decoded twice (as an operation is: once for `op`, once for its body) marks one set of slots.
private final class ReadMarks {
    private struct Slot {
        var read = false
        var child = -1
    }

    private var slots: [Slot] = []

    init() { slots.reserveCapacity(32) }

    /// Allocates the slots of `value`'s members or elements; returns the first (-1 for a value that has none).
    func allocate(_ value: JSONValue) -> Int {
        let count: Int
        switch value {
        case .object(let members): count = members.count
        case .array(let elements): count = elements.count
        default: return -1
        }
        let base = slots.count
        slots.append(contentsOf: repeatElement(Slot(), count: count))
        return base
    }

    /// Marks the value in `slot` read.
    func read(_ slot: Int) { slots[slot].read = true }

    /// The first slot of the members or elements of `value`, the value in `slot`, allocated on first use.
    func child(of slot: Int, value: JSONValue) -> Int {
        if slots[slot].child >= 0 { return slots[slot].child }
        let base = allocate(value)
        slots[slot].child = base
        return base
    }

    var readEverything: Bool { slots.allSatisfy(\.read) }
}

/// `propertyID` → `property_id`, `utcOffsetMinutes` → `utc_offset_minutes`. Property names are ASCII; an
/// underscore goes before an upper-case letter that follows a lower-case one or starts a new word after capitals.
/// (Byte-wise: this runs for every key of every change set coded.)
func snakeCase(_ name: String) -> String {
    guard name.utf8.contains(where: isUpper) else { return name }
    var name = name
    return name.withUTF8 { bytes in
        // At most one underscore per letter. Written on the stack: a result of up to 15 bytes is a small string,
        // which needs no allocation either.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count * 2) { out in
            var count = 0
            for (position, byte) in bytes.enumerated() {
                if isUpper(byte) {
                    if underscoreBefore(position, in: bytes) {
                        out[count] = 0x5F
                        count += 1
                    }
                    out[count] = byte + 0x20
                } else {
                    out[count] = byte
                }
                count += 1
            }
            return String(decoding: UnsafeBufferPointer(rebasing: out[..<count]), as: UTF8.self)
        }
    }
}

@inline(__always) private func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
@inline(__always) private func isLower(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }

/// Whether snake case puts an underscore before the upper-case letter at `position`.
@inline(__always)
private func underscoreBefore(_ position: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard position > 0 else { return false }
    let nextIsLower = position + 1 < bytes.count && isLower(bytes[position + 1])
    return !isUpper(bytes[position - 1]) || nextIsLower
}

func typeMismatch(_ expected: Any.Type, _ value: JSONValue, _ path: [any CodingKey]) -> DecodingError {
    DecodingError.typeMismatch(
        expected,
        .init(codingPath: path, debugDescription: "expected \(jsonTypeName(expected)), found \(value.typeName)")
    )
}

private func jsonTypeName(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Int.Type: "an integer"
    case is Bool.Type: "a boolean"
    default: "\(type)"
    }
}

/// A decoder of the value whose members' or elements' slots start at `base` (-1 for a scalar).
private struct ValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let reads: ReadMarks
    let base: Int
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw typeMismatch([String: Any].self, value, codingPath)
        }
        return KeyedDecodingContainer(
            KeyedReader<Key>(members: members, codingPath: codingPath, reads: reads, base: base))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw typeMismatch([Any].self, value, codingPath) }
        return UnkeyedReader(elements: elements, codingPath: codingPath, reads: reads, base: base)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleReader(value: value, codingPath: codingPath, reads: reads, base: base)
    }
}

/// Decodes one leaf or nested value; shared by the three container kinds. `path` and `base` (the slots of a nested
/// value) are only worked out when needed: a leaf that decodes needs neither.
private func decodeValue<T: Decodable>(
    _ type: T.Type, from value: JSONValue, reads: ReadMarks, path: () -> [any CodingKey], base: () -> Int
) throws -> T {
    switch (type, value) {
    case (is String.Type, .string(let string)): return string as! T
    case (is Int.Type, .int(let number)): return number as! T
    case (is Bool.Type, .bool(let flag)): return flag as! T
    case (is String.Type, _), (is Int.Type, _), (is Bool.Type, _): throw typeMismatch(type, value, path())
    default: return try T(from: ValueDecoder(value: value, codingPath: path(), reads: reads, base: base()))
    }
}

/// A class, not a struct: `KeyedDecodingContainer` boxes it and copies it on every call, and a copy of a class is
/// one reference count rather than one per stored reference.
private final class KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [JSONMember]
    let codingPath: [any CodingKey]
    let reads: ReadMarks
    let base: Int

    init(members: [JSONMember], codingPath: [any CodingKey], reads: ReadMarks, base: Int) {
        self.members = members
        self.codingPath = codingPath
        self.reads = reads
        self.base = base
    }

    var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

    private func lookup(_ key: Key) -> Int? {
        let name = snakeCase(key.stringValue)
        return members.firstIndex { $0.key == name }
    }

    /// The index of `key`'s member, marked read.
    private func require(_ key: Key) throws -> Int {
        guard let index = lookup(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
        }
        reads.read(base + index)
        return index
    }

    /// A decoder of `key`'s member.
    private func decoder(_ key: Key) throws -> ValueDecoder {
        let index = try require(key)
        let value = members[index].value
        return ValueDecoder(
            value: value, codingPath: codingPath + [key], reads: reads,
            base: reads.child(of: base + index, value: value))
    }

    func contains(_ key: Key) -> Bool { lookup(key) != nil }
    // `null` is never a valid value: reporting it as "not nil" makes `decodeIfPresent` raise a type mismatch.
    func decodeNil(forKey key: Key) throws -> Bool { false }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        let value = members[try require(key)].value
        guard case .string(let string) = value else { throw typeMismatch(type, value, codingPath + [key]) }
        return string
    }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        let value = members[try require(key)].value
        guard case .int(let number) = value else { throw typeMismatch(type, value, codingPath + [key]) }
        return number
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        let value = members[try require(key)].value
        guard case .bool(let flag) = value else { throw typeMismatch(type, value, codingPath + [key]) }
        return flag
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let index = try require(key)
        let value = members[index].value
        return try decodeValue(
            type, from: value, reads: reads, path: { codingPath + [key] },
            base: { reads.child(of: base + index, value: value) })
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try decoder(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        ValueDecoder(value: .object(members), codingPath: codingPath, reads: reads, base: base)
    }
    func superDecoder(forKey key: Key) throws -> any Decoder { try decoder(key) }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String
    init(_ index: Int) {
        intValue = index
        stringValue = "\(index)"
    }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.init(intValue) }
}

private struct UnkeyedReader: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    let reads: ReadMarks
    let base: Int
    var currentIndex = 0

    init(elements: [JSONValue], codingPath: [any CodingKey], reads: ReadMarks, base: Int) {
        self.elements = elements
        self.codingPath = codingPath
        self.reads = reads
        self.base = base
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    /// The index of the next element, marked read.
    private mutating func next() throws -> Int {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                JSONValue.self, .init(codingPath: codingPath, debugDescription: "no more elements"))
        }
        defer { currentIndex += 1 }
        reads.read(base + currentIndex)
        return currentIndex
    }

    private func path(_ index: Int) -> [any CodingKey] { codingPath + [IndexKey(index)] }

    /// A decoder of the next element.
    private mutating func nextDecoder() throws -> ValueDecoder {
        let index = try next()
        let value = elements[index]
        return ValueDecoder(
            value: value, codingPath: path(index), reads: reads, base: reads.child(of: base + index, value: value))
    }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode(_ type: String.Type) throws -> String {
        let index = try next()
        guard case .string(let string) = elements[index] else { throw typeMismatch(type, elements[index], path(index)) }
        return string
    }

    mutating func decode(_ type: Int.Type) throws -> Int {
        let index = try next()
        guard case .int(let number) = elements[index] else { throw typeMismatch(type, elements[index], path(index)) }
        return number
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool {
        let index = try next()
        guard case .bool(let flag) = elements[index] else { throw typeMismatch(type, elements[index], path(index)) }
        return flag
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let index = try next()
        let value = elements[index]
        return try decodeValue(
            type, from: value, reads: reads, path: { path(index) },
            base: { reads.child(of: base + index, value: value) })
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try nextDecoder().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try nextDecoder().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try nextDecoder() }
}

private struct SingleReader: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let reads: ReadMarks
    let base: Int

    func decodeNil() -> Bool { false }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decodeValue(type, from: value, reads: reads, path: { codingPath }, base: { base })
    }
}
