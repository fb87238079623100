// Fuzz target `push`: arbitrary bytes as a push body, parsed the way the relay parses `POST /v1/push`
// (`RelayRoutes.parsePush`: Foundation's JSON parser for the envelope, then `SignedChangeSet(transport:)` per
// element, stopping at the first refusal).

import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPush(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let items = pushItems(Array(UnsafeBufferPointer(start: data, count: size))) else { return 0 }
    for item in items {
        guard let (body, signature) = item else { return 0 }  // changeset.malformed
        let transport = JSONValue.object([
            JSONMember("change_set", .string(body)), JSONMember("signature", .string(signature)),
        ])
        do {
            let signed = try SignedChangeSet(transport: transport)
            expect(same(Base64.encode(signed.bytes), body), "an accepted change_set is the one base64 of its bytes")
            expect(same(Hex.encode(signed.signature), signature), "an accepted signature is the one hex of its bytes")
            expect((try? signed.changeSet.canonicalBytes()) == signed.bytes, "the change set re-encodes to its bytes")
        } catch {
            expect(isDecoderCode(error.code), "push refusal \(error) has a decoder code")
            return 0
        }
    }
    return 0
}

/// The elements of `{"change_sets": [...]}` as `RelayRoutes.parsePush` reads them: nil for a body it answers
/// `push.malformed` or `push.too_large`; a nil element where it answers `changeset.malformed`.
private func pushItems(_ bytes: [UInt8]) -> [(body: String, signature: String)?]? {
    guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
        let list = object["change_sets"] as? [Any], list.count <= WireLimits.changeSetsPerPush
    else { return nil }
    return list.map { item in
        guard let fields = item as? [String: Any], let body = fields["change_set"] as? String,
            let signature = fields["signature"] as? String, fields.count == 2
        else { return nil }
        return (body, signature)
    }
}
