/// Signed HTTP requests (push and pull): the client signs method, path, query, body hash, time and a random nonce;
/// the relay verifies them before looking at the body.
///
/// The signed message is `"hutsync/request/v1" ‖ 0x00 ‖ method ‖ LF ‖ path ‖ LF ‖ query ‖ LF ‖ hex(BLAKE2b-256(body))
/// ‖ LF ‖ time ‖ LF ‖ nonce`, where path is relative to the relay's base URL, query is the raw query string without
/// `?` (empty when none), time is RFC 3339 UTC and nonce is 32 lower-case hex characters (16 random bytes).
package struct RequestSignature: Sendable, Hashable {
    package static let prefix: [UInt8] = Array("hutsync/request/v1".utf8) + [0]
    package static let keyHeader = "X-HutSync-Key"
    package static let timeHeader = "X-HutSync-Time"
    package static let nonceHeader = "X-HutSync-Nonce"
    package static let signatureHeader = "X-HutSync-Signature"

    package var publicKey: PublicKey
    package var time: UTCTime
    package var nonce: String
    package var signature: [UInt8]

    /// The message a request's signature covers.
    package static func message(
        method: String, path: String, query: String, body: [UInt8], time: UTCTime, nonce: String
    ) -> [UInt8] {
        let text = [method, path, query, Hex.encode(Sodium.blake2b256(body)), time.description, nonce]
            .joined(separator: "\n")
        return prefix + Array(text.utf8)
    }

    /// Signs a request; returns the four header values in the order of the header names above.
    package static func sign(
        method: String, path: String, query: String, body: [UInt8], key: SigningKey, time: UTCTime,
        nonce: [UInt8] = Sodium.randomBytes(16)
    ) -> [(name: String, value: String)] {
        let nonceHex = Hex.encode(nonce)
        let signature = key.sign(
            message(method: method, path: path, query: query, body: body, time: time, nonce: nonceHex))
        return [
            (keyHeader, key.publicKey.hex), (timeHeader, time.description), (nonceHeader, nonceHex),
            (signatureHeader, Hex.encode(signature)),
        ]
    }

    /// Reads the four headers; nil when one is missing or malformed (`auth.missing`).
    package init?(header: (String) -> String?) {
        guard let keyText = header(Self.keyHeader), let key = try? PublicKey(hex: keyText),
            let timeText = header(Self.timeHeader), let time = UTCTime(timeText),
            let nonce = header(Self.nonceHeader), Hex.isValid(nonce, byteCount: 16),
            let signatureText = header(Self.signatureHeader),
            let signature = try? Hex.decode(signatureText, byteCount: 64)
        else { return nil }
        self.publicKey = key
        self.time = time
        self.nonce = nonce
        self.signature = signature
    }

    /// Whether the signature covers this request.
    package func verify(method: String, path: String, query: String, body: [UInt8]) -> Bool {
        publicKey.verify(
            signature, of: Self.message(method: method, path: path, query: query, body: body, time: time, nonce: nonce))
    }
}

/// The relay's signed head: `signature` = Ed25519 by the relay key over `"hutsync/head/v1" ‖ 0x00 ‖` the canonical
/// JSON of `{"digest","hash","seq"}` (hex strings and an integer).
package struct SignedHead: Sendable, Hashable {
    package static let prefix: [UInt8] = Array("hutsync/head/v1".utf8) + [0]

    package var seq: Int
    package var hash: [UInt8]
    package var digest: [UInt8]
    package var signature: [UInt8]

    package static func message(seq: Int, hash: [UInt8], digest: [UInt8]) -> [UInt8] {
        let value = JSONValue.object([
            JSONMember("digest", .string(Hex.encode(digest))), JSONMember("hash", .string(Hex.encode(hash))),
            JSONMember("seq", .int(seq)),
        ])
        // Hex strings and a sequence number always encode.
        return prefix + ((try? CanonicalJSON.encode(value)) ?? [])
    }

    package init(seq: Int, hash: [UInt8], digest: [UInt8], signedBy key: SigningKey) {
        self.seq = seq
        self.hash = hash
        self.digest = digest
        self.signature = key.sign(Self.message(seq: seq, hash: hash, digest: digest))
    }

    package init(seq: Int, hash: [UInt8], digest: [UInt8], signature: [UInt8]) {
        self.seq = seq
        self.hash = hash
        self.digest = digest
        self.signature = signature
    }

    package func verify(relay: PublicKey) -> Bool {
        relay.verify(signature, of: Self.message(seq: seq, hash: hash, digest: digest))
    }

    /// `{"digest","hash","seq","signature"}`, as `GET /v1/head` answers.
    package var json: JSONValue {
        .object([
            JSONMember("digest", .string(Hex.encode(digest))), JSONMember("hash", .string(Hex.encode(hash))),
            JSONMember("seq", .int(seq)), JSONMember("signature", .string(Hex.encode(signature))),
        ])
    }
}
