/// Turns a `DecodingError` from the typed decode into a ``WireError`` naming the field's path (`ops[2].amount`).
func translate(_ error: any Error) -> WireError {
    if let wire = error as? WireError { return wire }
    guard let decoding = error as? DecodingError else {
        return WireError(.wrongType, "cannot decode: \(error)")
    }
    switch decoding {
    case .keyNotFound(let key, let context):
        return WireError(.missingField, "missing field \(fieldPath(context.codingPath + [key]))")
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
        return WireError(.wrongType, "\(fieldPath(context.codingPath)): \(context.debugDescription)")
    @unknown default:
        return WireError(.wrongType, "cannot decode: \(decoding)")
    }
}

/// `ops[2].payee.account` for a coding path.
func fieldPath(_ path: [any CodingKey]) -> String {
    var out = ""
    for key in path {
        if let index = key.intValue {
            out += "[\(index)]"
        } else {
            out += (out.isEmpty ? "" : ".") + snakeCase(key.stringValue)
        }
    }
    return out.isEmpty ? "(top level)" : out
}

/// The path of the first member of `input` that re-encoding `decoded` does not produce.
func firstExtraField(in input: JSONValue, comparedTo decoded: some Encodable) -> String {
    guard let output = try? JSONValueEncoder.encode(decoded) else { return "(unknown)" }
    return extraField(input, output, path: "") ?? "(unknown)"
}

private func extraField(_ input: JSONValue, _ output: JSONValue, path: String) -> String? {
    switch (input, output) {
    case (.object(let inMembers), .object(let outMembers)):
        for member in inMembers {
            let memberPath = path.isEmpty ? member.key : "\(path).\(member.key)"
            guard let counterpart = outMembers.first(where: { $0.key == member.key }) else { return memberPath }
            if let found = extraField(member.value, counterpart.value, path: memberPath) { return found }
        }
    case (.array(let inElements), .array(let outElements)):
        for (index, element) in inElements.enumerated() where index < outElements.count {
            if let found = extraField(element, outElements[index], path: "\(path)[\(index)]") { return found }
        }
    default: break
    }
    return nil
}
