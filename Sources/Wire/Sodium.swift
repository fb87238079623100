import CSodium

/// Thin, typed wrappers over the libsodium calls the wire format uses. Every function is safe to call from any
/// thread; libsodium is initialised once, on first use.
package enum Sodium {
    /// `sodium_init` runs exactly once (a global `let` is initialised lazily and atomically).
    private static let ready: Bool = sodium_init() >= 0

    static func ensureReady() {
        precondition(ready, "libsodium failed to initialise")
    }

    /// BLAKE2b with a 32-byte output (`crypto_generichash`), optionally keyed.
    package static func blake2b256(_ message: [UInt8], key: [UInt8] = []) -> [UInt8] {
        ensureReady()
        var out = [UInt8](repeating: 0, count: 32)
        let status = key.withUnsafeBufferPointer { keyBuffer in
            crypto_generichash(
                &out, 32, message, UInt64(message.count),
                key.isEmpty ? nil : keyBuffer.baseAddress, key.count)
        }
        precondition(status == 0, "crypto_generichash failed")
        return out
    }

    /// `count` bytes from the operating system's secure random source.
    package static func randomBytes(_ count: Int) -> [UInt8] {
        ensureReady()
        var out = [UInt8](repeating: 0, count: count)
        randombytes_buf(&out, count)
        return out
    }

    /// Constant-time comparison of two byte strings of equal length (false when the lengths differ).
    package static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        ensureReady()
        return sodium_memcmp(lhs, rhs, lhs.count) == 0
    }

    /// Ed25519 key pair from a 32-byte seed: (public key, 64-byte secret key).
    static func signKeyPair(seed: [UInt8]) -> (publicKey: [UInt8], secretKey: [UInt8]) {
        ensureReady()
        precondition(seed.count == 32, "an Ed25519 seed is 32 bytes")
        var publicKey = [UInt8](repeating: 0, count: 32)
        var secretKey = [UInt8](repeating: 0, count: 64)
        crypto_sign_seed_keypair(&publicKey, &secretKey, seed)
        return (publicKey, secretKey)
    }

    static func signDetached(_ message: [UInt8], secretKey: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        ensureReady()
        precondition(secretKey.count == 64, "an Ed25519 secret key is 64 bytes")
        var signature = [UInt8](repeating: 0, count: 64)
        crypto_sign_detached(&signature, nil, message, UInt64(message.count), secretKey.baseAddress!)
        return signature
    }

    static func verifyDetached(_ signature: [UInt8], _ message: [UInt8], publicKey: [UInt8]) -> Bool {
        ensureReady()
        guard signature.count == 64, publicKey.count == 32 else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }

    /// The X25519 public key of an Ed25519 public key, or nil when the bytes are not a valid point.
    static func x25519PublicKey(ed25519 publicKey: [UInt8]) -> [UInt8]? {
        ensureReady()
        guard publicKey.count == 32 else { return nil }
        var out = [UInt8](repeating: 0, count: 32)
        return crypto_sign_ed25519_pk_to_curve25519(&out, publicKey) == 0 ? out : nil
    }

    static func x25519SecretKey(ed25519 secretKey: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        ensureReady()
        precondition(secretKey.count == 64, "an Ed25519 secret key is 64 bytes")
        var out = [UInt8](repeating: 0, count: 32)
        crypto_sign_ed25519_sk_to_curve25519(&out, secretKey.baseAddress!)
        return out
    }

    static func sealedBox(_ message: [UInt8], to x25519PublicKey: [UInt8]) -> [UInt8] {
        ensureReady()
        var out = [UInt8](repeating: 0, count: message.count + crypto_box_sealbytes())
        crypto_box_seal(&out, message, UInt64(message.count), x25519PublicKey)
        return out
    }

    static func openSealedBox(_ box: [UInt8], x25519PublicKey: [UInt8], x25519SecretKey: [UInt8]) -> [UInt8]? {
        ensureReady()
        guard box.count >= crypto_box_sealbytes() else { return nil }
        var out = [UInt8](repeating: 0, count: box.count - crypto_box_sealbytes())
        let status = crypto_box_seal_open(&out, box, UInt64(box.count), x25519PublicKey, x25519SecretKey)
        return status == 0 ? out : nil
    }

    /// The sealed-box construction with a caller-chosen ephemeral key, so that test vectors are reproducible:
    /// `epk ‖ crypto_box_easy(m, nonce = BLAKE2b-192(epk ‖ pk), pk, esk)` — byte-compatible with `crypto_box_seal`.
    static func sealedBox(_ message: [UInt8], to x25519PublicKey: [UInt8], ephemeralSeed: [UInt8]) -> [UInt8] {
        ensureReady()
        var ephemeralPublic = [UInt8](repeating: 0, count: 32)
        var ephemeralSecret = [UInt8](repeating: 0, count: 32)
        crypto_box_seed_keypair(&ephemeralPublic, &ephemeralSecret, ephemeralSeed)
        var nonce = [UInt8](repeating: 0, count: crypto_box_noncebytes())
        let nonceInput = ephemeralPublic + x25519PublicKey
        crypto_generichash(&nonce, nonce.count, nonceInput, UInt64(nonceInput.count), nil, 0)
        var cipher = [UInt8](repeating: 0, count: message.count + crypto_box_macbytes())
        crypto_box_easy(&cipher, message, UInt64(message.count), nonce, x25519PublicKey, ephemeralSecret)
        sodium_memzero(&ephemeralSecret, 32)
        return ephemeralPublic + cipher
    }

    /// Overwrites secret bytes.
    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { wipe($0) }
    }

    /// Overwrites secret bytes in memory the caller owns.
    static func wipe(_ bytes: UnsafeMutableRawBufferPointer) {
        sodium_memzero(bytes.baseAddress, bytes.count)
    }
}
