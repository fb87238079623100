/// A change set with its canonical bytes, id and author signature: what is pushed, sequenced and pulled.
///
/// The bytes are kept as received and never re-serialised: the id and the signature are over exactly these bytes.
package struct SignedChangeSet: Sendable, Hashable {
    /// The domain-separation prefix signed before the canonical bytes.
    package static let signaturePrefix: [UInt8] = Array("hutsync/change-set/v1".utf8) + [0]

    /// The canonical JSON bytes.
    package let bytes: [UInt8]
    /// The Ed25519 signature over ``signaturePrefix`` ‖ `bytes`, by `changeSet.author`.
    package let signature: [UInt8]
    /// The decoded change set.
    package let changeSet: ChangeSet
    /// BLAKE2b-256 of `bytes`.
    package let id: [UInt8]

    package var idHex: String { Hex.encode(id) }

    /// Signs `changeSet` with `key`, which must be its author.
    package init(signing changeSet: ChangeSet, with key: SigningKey) throws(WireError) {
        guard changeSet.author == key.publicKey.hex else {
            throw WireError(.badSignature, "the change set's author is not the signing key")
        }
        let bytes = try changeSet.canonicalBytes()
        self.bytes = bytes
        self.changeSet = changeSet
        self.id = Sodium.blake2b256(bytes)
        self.signature = key.sign(Self.signaturePrefix + bytes)
    }

    /// Reads received bytes and signature, checking structure only (see ``ChangeSet/decode(canonical:)``); call
    /// ``verify()`` before trusting the author.
    package init(bytes: [UInt8], signature: [UInt8]) throws(WireError) {
        guard signature.count == 64 else { throw WireError(.malformedSignature, "a signature is 64 bytes") }
        self.changeSet = try ChangeSet.decode(canonical: bytes)
        self.bytes = bytes
        self.signature = signature
        self.id = Sodium.blake2b256(bytes)
    }

    /// Whether the signature is the author's over these exact bytes.
    package func verify() -> Bool {
        guard let author = try? changeSet.authorKey else { return false }
        return author.verify(signature, of: Self.signaturePrefix + bytes)
    }

    /// Like ``verify()``, throwing `signature.bad`.
    package func verified() throws(WireError) -> SignedChangeSet {
        guard verify() else { throw WireError(.badSignature, "the signature does not verify with the author's key") }
        return self
    }

    // MARK: Transport form

    /// `{"change_set": base64 of the canonical bytes, "signature": hex}` — how a change set travels in pushes and
    /// pulls.
    package var transport: JSONValue {
        .object([
            JSONMember("change_set", .string(Base64.encode(bytes))),
            JSONMember("signature", .string(Hex.encode(signature))),
        ])
    }

    /// Reads the transport form (structure only; call ``verify()``).
    package init(transport: JSONValue) throws(WireError) {
        guard case .object(let members) = transport, members.count == 2,
            case .string(let body)? = transport["change_set"], case .string(let signature)? = transport["signature"]
        else {
            throw WireError(.wrongType, "a signed change set is {\"change_set\": base64, \"signature\": hex}")
        }
        let signatureBytes: [UInt8]
        do {
            signatureBytes = try Hex.decode(signature, byteCount: 64)
        } catch {
            throw WireError(.malformedSignature, "signature: expected 128 lower-case hex characters")
        }
        try self.init(bytes: try Base64.decode(body), signature: signatureBytes)
    }
}
