extension JSONValue {
    /// Indented JSON for people (fixtures, `--json` output is canonical instead). Keys keep their order.
    package func pretty(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .array(let elements) where !elements.isEmpty:
            return "[\n" + elements.map { inner + $0.pretty(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let members) where !members.isEmpty:
            let lines = members.map { inner + "\"\($0.key)\": " + $0.value.pretty(indent: inner) }
            return "{\n" + lines.joined(separator: ",\n") + "\n\(indent)}"
        default:
            // Scalars and empty containers are written canonically (a key-less value always encodes).
            return String(decoding: (try? CanonicalJSON.encode(self)) ?? Array("null".utf8), as: UTF8.self)
        }
    }
}
