// Fuzz target `changeset`: arbitrary bytes as canonical JSON, as a change set's canonical bytes and, when they are a
// canonical object, as a change set in transport form (how a node reads each entry of a decoded pull page).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChangeSet(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    checkCanonicalJSON(bytes)
    checkChangeSet(bytes)
    return 0
}

/// The parser accepts only what the writer writes: decode → encode gives the input back, with and without limits,
/// and the limited decoder accepts nothing the unlimited one refuses.
private func checkCanonicalJSON(_ bytes: [UInt8]) {
    var unlimited: JSONValue?
    do {
        let value = try CanonicalJSON.decodeUnlimited(bytes)
        expect((try? CanonicalJSON.encodeUnlimited(value)) == bytes, "decodeUnlimited → encodeUnlimited is the input")
        unlimited = value
    } catch {
        expect(offsetIsInside(error, bytes), "decodeUnlimited error offset \(error) is inside the input")
    }
    do {
        let value = try CanonicalJSON.decode(bytes)
        expect((try? CanonicalJSON.encode(value)) == bytes, "decode → encode is the input")
        expect(unlimited != nil, "decodeUnlimited accepts what decode accepts")
    } catch {
        expect(offsetIsInside(error, bytes), "decode error offset \(error) is inside the input")
    }
    if let unlimited, case .object = unlimited { checkTransport(unlimited, bytes: bytes) }
}

/// A transport object that reads is the one written form of its change set and signature.
private func checkTransport(_ value: JSONValue, bytes: [UInt8]) {
    do {
        let signed = try SignedChangeSet(transport: value)
        expect((try? CanonicalJSON.encodeUnlimited(signed.transport)) == bytes, "transport → bytes is the input")
        expect((try? signed.changeSet.canonicalBytes()) == signed.bytes, "the change set re-encodes to its bytes")
    } catch {
        expect(isDecoderCode(error.code), "transport refusal \(error) has a decoder code")
    }
}

/// A change set that decodes re-encodes to exactly its bytes, and reads the same through the signed forms.
private func checkChangeSet(_ bytes: [UInt8]) {
    let signature = [UInt8](repeating: 0, count: 64)
    let changeSet: ChangeSet
    do {
        changeSet = try ChangeSet.decode(canonical: bytes)
    } catch {
        expect(offsetIsInside(error, bytes), "change set error offset \(error) is inside the input")
        expect(isDecoderCode(error.code), "change set refusal \(error) has a decoder code")
        expect(
            (try? SignedChangeSet(bytes: bytes, signature: signature)) == nil,
            "SignedChangeSet(bytes:) refuses what ChangeSet.decode refuses")
        return
    }
    expect(bytes.count <= WireLimits.changeSetBytes, "a change set is at most 64 KiB")
    expect((try? changeSet.canonicalBytes()) == bytes, "decode → canonicalBytes is the input")
    guard let signed = try? SignedChangeSet(bytes: bytes, signature: signature) else {
        expect(false, "SignedChangeSet(bytes:) accepts what ChangeSet.decode accepts")
        return
    }
    guard let wire = try? CanonicalJSON.encodeUnlimited(signed.transport),
        let page = try? CanonicalJSON.decodeUnlimited(wire), let received = try? SignedChangeSet(transport: page)
    else {
        expect(false, "the transport form of a decoded change set reads back")
        return
    }
    expect(received.bytes == bytes && received.id == signed.id, "the transport form carries the same bytes")
}
