/// Encodes `Encodable` values to a ``JSONValue``, mapping camelCase property names to snake_case keys.
///
/// `nil` optionals are omitted (the synthesized `encode(to:)` uses `encodeIfPresent`); floating-point and other
/// numeric types are refused, since the wire format has integers only.
package enum JSONValueEncoder {
    package static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let root = EncodingNode()
        try value.encode(to: NodeEncoder(node: root, codingPath: []))
        return root.value
    }
}

/// A mutable tree node that containers write into; `value` reads the finished tree.
private final class EncodingNode {
    enum Content {
        case empty
        case leaf(JSONValue)
        case object([(String, EncodingNode)])
        case array([EncodingNode])
    }
    var content = Content.empty

    var value: JSONValue {
        switch content {
        case .empty: .object([])
        case .leaf(let value): value
        case .object(let members): .object(members.map { JSONMember($0.0, $0.1.value) })
        case .array(let elements): .array(elements.map(\.value))
        }
    }

    /// The child for `key`, created on first use (asking twice for the same container writes into the same node).
    func child(forKey key: String) -> EncodingNode {
        if case .object(var members) = content {
            if let existing = members.first(where: { $0.0 == key }) { return existing.1 }
            let node = EncodingNode()
            members.append((key, node))
            content = .object(members)
            return node
        }
        let node = EncodingNode()
        content = .object([(key, node)])
        return node
    }

    func appendElement() -> EncodingNode {
        let node = EncodingNode()
        if case .array(var elements) = content {
            elements.append(node)
            content = .array(elements)
        } else {
            content = .array([node])
        }
        return node
    }

    func becomeObject() { if case .object = content {} else { content = .object([]) } }
    func becomeArray() { if case .array = content {} else { content = .array([]) } }
}

private func encodeValue<T: Encodable>(_ value: T, into node: EncodingNode, path: [any CodingKey]) throws {
    switch value {
    case let string as String: node.content = .leaf(.string(string))
    case let number as Int: node.content = .leaf(.int(number))
    case let flag as Bool: node.content = .leaf(.bool(flag))
    case is any BinaryFloatingPoint:
        throw EncodingError.invalidValue(value, .init(codingPath: path, debugDescription: "no floating point"))
    default: try value.encode(to: NodeEncoder(node: node, codingPath: path))
    }
}

private struct NodeEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.becomeObject()
        return KeyedEncodingContainer(KeyedWriter<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.becomeArray()
        return UnkeyedWriter(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleWriter(node: node, codingPath: codingPath) }
}

private struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    private func child(_ key: Key) -> EncodingNode { node.child(forKey: snakeCase(key.stringValue)) }

    mutating func encodeNil(forKey key: Key) throws {
        throw EncodingError.invalidValue(
            Optional<Int>.none as Any, .init(codingPath: codingPath + [key], debugDescription: "no nulls"))
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encodeValue(value, into: child(key), path: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        NodeEncoder(node: child(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NodeEncoder(node: child(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node, codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        NodeEncoder(node: child(key), codingPath: codingPath + [key])
    }
}

private struct UnkeyedWriter: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var count: Int {
        if case .array(let elements) = node.content { return elements.count }
        return 0
    }

    mutating func encodeNil() throws {
        throw EncodingError.invalidValue(
            Optional<Int>.none as Any, .init(codingPath: codingPath, debugDescription: "no nulls"))
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try encodeValue(value, into: node.appendElement(), path: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        NodeEncoder(node: node.appendElement(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.appendElement(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.appendElement(), codingPath: codingPath) }
}

private struct SingleWriter: SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws {
        throw EncodingError.invalidValue(
            Optional<Int>.none as Any, .init(codingPath: codingPath, debugDescription: "no nulls"))
    }

    mutating func encode<T: Encodable>(_ value: T) throws { try encodeValue(value, into: node, path: codingPath) }
}
