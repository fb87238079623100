/// One sealed copy of private data: a `crypto_box_seal` box to one key (the recipient's Ed25519 key converted to
/// X25519), with the recipient named so that a reader finds its copy without trying them all.
package struct SealedCopy: Codable, Sendable, Hashable {
    /// The recipient's Ed25519 public key, lower-case hex.
    package var key: String
    /// The sealed box, canonical base64.
    package var box: String

    package init(key: String, box: String) {
        self.key = key
        self.box = box
    }
}

/// Sealing private data (customer contact details, payment proof details) to the keys that may read it.
package enum Sealing {
    /// Seals `plaintext` to each recipient, in the recipients' byte order of public keys (duplicates removed).
    package static func seal(_ plaintext: [UInt8], to recipients: [PublicKey]) throws(WireError) -> [SealedCopy] {
        var copies: [SealedCopy] = []
        for recipient in Set(recipients).sorted() {
            guard let xPublic = Sodium.x25519PublicKey(ed25519: recipient.bytes) else {
                throw WireError(.badPublicKey, "\(recipient.hex) is not a valid Ed25519 public key")
            }
            copies.append(SealedCopy(key: recipient.hex, box: Base64.encode(Sodium.sealedBox(plaintext, to: xPublic))))
        }
        return copies
    }

    /// Seals with a fixed ephemeral seed. Only for reproducible test vectors: a real seal must use a fresh random
    /// ephemeral key, or the copies become linkable.
    package static func sealForTestVector(_ plaintext: [UInt8], to recipient: PublicKey, ephemeralSeed: [UInt8])
        throws(WireError) -> SealedCopy
    {
        guard let xPublic = Sodium.x25519PublicKey(ed25519: recipient.bytes) else {
            throw WireError(.badPublicKey, "\(recipient.hex) is not a valid Ed25519 public key")
        }
        let box = Sodium.sealedBox(plaintext, to: xPublic, ephemeralSeed: ephemeralSeed)
        return SealedCopy(key: recipient.hex, box: Base64.encode(box))
    }

    /// Opens the copy addressed to `key`: nil when there is none, a `seal.open_failed` error when it is there but
    /// does not open (corrupt, or not really sealed to this key).
    package static func open(_ copies: [SealedCopy], with key: SigningKey) throws(WireError) -> [UInt8]? {
        guard let copy = copies.first(where: { $0.key == key.publicKey.hex }) else { return nil }
        guard let plaintext = key.openSealedBox(try Base64.decode(copy.box)) else {
            throw WireError(.sealOpenFailed, "the sealed copy for this key does not open")
        }
        return plaintext
    }
}
