import Foundation
package import Wire

/// Reading a push body `{"change_sets": [{"change_set", "signature"}, …]}`.
package enum PushBody {
    /// A push's change sets up to the first malformed one, and that one's refusal.
    ///
    /// A body in the form nodes send (``scan(_:)``) is read straight from its bytes; any other goes through
    /// ``parseGeneral(_:)``. Both give the same answer for every body the first reads.
    package static func parse(_ bytes: [UInt8]) throws(RelayError) -> (
        [SignedChangeSet], (index: Int, error: RelayError)?
    ) {
        guard let items = scan(bytes) else { return try parseGeneral(bytes) }
        return try changeSets(items)
    }

    /// Reads any JSON body (through JSONSerialization).
    package static func parseGeneral(_ bytes: [UInt8]) throws(RelayError) -> (
        [SignedChangeSet], (index: Int, error: RelayError)?
    ) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let list = object["change_sets"] as? [Any]
        else { throw RelayError("push.malformed", #"a push body is {"change_sets": [...]}"#, status: 400) }
        return try changeSets(
            list.map { item in
                guard let fields = item as? [String: Any], let body = fields["change_set"] as? String,
                    let signature = fields["signature"] as? String, fields.count == 2
                else { return nil }
                return .object([JSONMember("change_set", .string(body)), JSONMember("signature", .string(signature))])
            })
    }

    /// The change sets of transport forms (nil: not `{"change_set": string, "signature": string}`), up to the first
    /// that is malformed.
    private static func changeSets(_ items: [JSONValue?]) throws(RelayError) -> (
        [SignedChangeSet], (index: Int, error: RelayError)?
    ) {
        guard items.count <= WireLimits.changeSetsPerPush else {
            throw RelayError(
                "push.too_large", "at most \(WireLimits.changeSetsPerPush) change sets per push", status: 413)
        }
        var changeSets: [SignedChangeSet] = []
        changeSets.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard let item else {
                let error = RelayError("changeset.malformed", "expected {\"change_set\", \"signature\"}", status: 400)
                return (changeSets, (index, error))
            }
            do {
                changeSets.append(try SignedChangeSet(transport: item))
            } catch {
                return (changeSets, (index, RelayError(error)))
            }
        }
        return (changeSets, nil)
    }

    /// Each change set's transport form when the body is exactly in the form nodes send — the canonical JSON of
    /// `HTTPRelayTransport.pushBody`: no whitespace, the keys in that order, strings of printable ASCII without
    /// escapes — read without JSONSerialization's dictionaries of `Any`; nil for any other body, valid JSON or not.
    package static func scan(_ bytes: [UInt8]) -> [JSONValue?]? {
        bytes.withUnsafeBufferPointer { buffer -> [JSONValue?]? in
            var position = 0
            func literal(_ text: StaticString) -> Bool {
                let count = text.utf8CodeUnitCount
                guard position + count <= buffer.count else { return false }
                for offset in 0..<count where buffer[position + offset] != text.utf8Start[offset] { return false }
                position += count
                return true
            }
            /// The rest of a string whose opening quote was read, up to and past its closing quote.
            func string() -> String? {
                let start = position
                while position < buffer.count {
                    let byte = buffer[position]
                    if byte == UInt8(ascii: "\"") {
                        position += 1
                        return String(
                            decoding: UnsafeBufferPointer(rebasing: buffer[start..<position - 1]), as: UTF8.self)
                    }
                    // Escapes, controls and non-ASCII bytes: left to the general reading.
                    guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
                    position += 1
                }
                return nil
            }
            guard literal(#"{"change_sets":["#) else { return nil }
            var items: [JSONValue?] = []
            if literal("]}") { return position == buffer.count ? items : nil }
            repeat {
                guard literal(#"{"change_set":""#), let body = string(), literal(#","signature":""#),
                    let signature = string(), literal("}")
                else { return nil }
                items.append(
                    .object([JSONMember("change_set", .string(body)), JSONMember("signature", .string(signature))]))
            } while literal(",")
            guard literal("]}"), position == buffer.count else { return nil }
            return items
        }
    }
}
