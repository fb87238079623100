/// An Ed25519 public key: 32 bytes, written in JSON as 64 lower-case hex characters.
package struct PublicKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let bytes: [UInt8]

    package init(bytes: [UInt8]) throws(WireError) {
        guard bytes.count == 32 else { throw WireError(.badPublicKey, "a public key is 32 bytes") }
        self.bytes = bytes
    }

    package init(hex: String) throws(WireError) {
        do {
            self.bytes = try Hex.decode(hex, byteCount: 32)
        } catch {
            throw WireError(.badPublicKey, "a public key is 64 lower-case hex characters")
        }
    }

    package var hex: String { Hex.encode(bytes) }
    package var description: String { hex }
    package static func < (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    /// Whether `signature` is a valid Ed25519 signature of `message` by this key.
    package func verify(_ signature: [UInt8], of message: [UInt8]) -> Bool {
        Sodium.verifyDetached(signature, message, publicKey: bytes)
    }
}

/// An Ed25519 signing key, made from (and saved as) its 32-byte seed.
///
/// A class so that its secret bytes live in memory it owns, wiped when the last reference goes away (a Swift array
/// would be copied on write, so wiping "it" would wipe a copy). Immutable, hence `Sendable`.
package final class SigningKey: @unchecked Sendable {
    package let publicKey: PublicKey
    /// libsodium's 64-byte secret key: the seed, then the public key. Written once in `init`, then only read.
    private let secret: UnsafeMutableBufferPointer<UInt8>

    /// The seed: what a key file holds. A copy; the key's own bytes are wiped when it goes away.
    package var seed: [UInt8] { Array(secret[0..<32]) }

    package init(seed: [UInt8]) throws(WireError) {
        guard seed.count == 32 else { throw WireError(.badKeyFile, "a key seed is 32 bytes") }
        var pair = Sodium.signKeyPair(seed: seed)
        defer { Sodium.wipe(&pair.secretKey) }
        self.publicKey = try PublicKey(bytes: pair.publicKey)
        self.secret = .allocate(capacity: 64)
        _ = secret.initialize(from: pair.secretKey)
    }

    /// A new key from the operating system's random source.
    package static func generate() -> SigningKey {
        // A 32-byte seed is always valid.
        try! SigningKey(seed: Sodium.randomBytes(32))
    }

    /// The detached Ed25519 signature of `message`.
    package func sign(_ message: [UInt8]) -> [UInt8] {
        Sodium.signDetached(message, secretKey: UnsafeBufferPointer(secret))
    }

    /// Opens a sealed box addressed to this key's X25519 form, or nil when it was not sealed to this key.
    package func openSealedBox(_ box: [UInt8]) -> [UInt8]? {
        guard let xPublic = Sodium.x25519PublicKey(ed25519: publicKey.bytes) else { return nil }
        var xSecret = Sodium.x25519SecretKey(ed25519: UnsafeBufferPointer(secret))
        defer { Sodium.wipe(&xSecret) }
        return Sodium.openSealedBox(box, x25519PublicKey: xPublic, x25519SecretKey: xSecret)
    }

    deinit {
        wipe()
        secret.deallocate()
    }

    /// Zeroes the key's own secret bytes (what `deinit` does before freeing them); the key is unusable afterwards.
    func wipe() { Sodium.wipe(UnsafeMutableRawBufferPointer(secret)) }
}

extension PublicKey {
    /// Whether the key is a valid Ed25519 point that sealed boxes can be addressed to.
    package var canReceiveSealedBoxes: Bool { Sodium.x25519PublicKey(ed25519: bytes) != nil }
}
