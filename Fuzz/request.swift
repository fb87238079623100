// Fuzz target `request`: the signed-request headers of `docs/protocol.md` 16.2. The input is cut at LF into the
// key, time, nonce and signature header values (a missing one is an absent header), then the method, path, query
// and body the signature would cover.

/// A fixed key for re-signing what the fuzzer produced.
private let signer = try! SigningKey(seed: [UInt8](repeating: 3, count: 32))

private let headerNames = [
    RequestSignature.keyHeader, RequestSignature.timeHeader, RequestSignature.nonceHeader,
    RequestSignature.signatureHeader,
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let parts = fields(Array(UnsafeBufferPointer(start: data, count: size)), count: 8)
    var headers: [String: String] = [:]
    for (name, value) in zip(headerNames, parts) { headers[name] = value.map(text) }
    guard let signed = RequestSignature(header: { headers[$0] }) else { return 0 }
    checkOnlyWrittenForms(signed, headers)
    let (method, path, query) = (text(parts[4] ?? []), text(parts[5] ?? []), text(parts[6] ?? []))
    let body = parts[7] ?? []
    _ = signed.verify(method: method, path: path, query: query, body: body)
    guard let nonce = try? Hex.decode(signed.nonce) else {
        expect(false, "a parsed nonce is hex")
        return 0
    }
    let again = RequestSignature.sign(
        method: method, path: path, query: query, body: body, key: signer, time: signed.time, nonce: nonce)
    let reparsed = RequestSignature { name in again.first { $0.name == name }?.value }
    expect(reparsed?.time == signed.time && reparsed?.nonce == signed.nonce, "re-signed headers read back the same")
    expect(
        reparsed?.verify(method: method, path: path, query: query, body: body) == true,
        "a request signed with these values verifies")
    return 0
}

/// Each accepted header value is the one form the client writes (no upper-case hex, no other time forms).
private func checkOnlyWrittenForms(_ signed: RequestSignature, _ headers: [String: String]) {
    expect(same(signed.publicKey.hex, headers[RequestSignature.keyHeader] ?? ""), "the key header is canonical")
    expect(same(signed.time.description, headers[RequestSignature.timeHeader] ?? ""), "the time header is canonical")
    expect(same(signed.nonce, headers[RequestSignature.nonceHeader] ?? ""), "the nonce header is kept as sent")
    expect(
        same(Hex.encode(signed.signature), headers[RequestSignature.signatureHeader] ?? ""),
        "the signature header is canonical")
}
