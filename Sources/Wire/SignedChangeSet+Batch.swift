import CEd25519

extension SignedChangeSet {
    /// How many signatures ``verifyEach(_:)`` checks together.
    package static let verificationBatch = Int(HUTSYNC_ED25519_BATCH_MAX)

    /// Whether each change set's author signature verifies, 3–4 times faster than ``verify()`` one by one (less when
    /// a batch holds many distinct keys): up to ``verificationBatch`` signatures are checked together
    /// (`ed25519_batch.c`, on libsodium's own arithmetic), and a batch that fails is checked one by one with
    /// libsodium, which then names the bad ones. Every signature libsodium accepts is accepted. One it refuses may pass
    /// only if its sole defect is a point of small order, which only its signer can make: fit for a node re-checking
    /// entries the relay verified one by one at its door, not for the door itself (`docs/protocol.md`, section 6).
    /// Runs on the calling thread.
    package static func verifyEach(_ changeSets: ArraySlice<SignedChangeSet>) -> [Bool] {
        Sodium.ensureReady()
        guard changeSets.count > 1, let batch = hutsync_ed25519_batch_new() else {
            return changeSets.map { $0.verify() }
        }
        defer { hutsync_ed25519_batch_free(batch) }
        var verdicts: [Bool] = []
        verdicts.reserveCapacity(changeSets.count)
        var start = changeSets.startIndex
        while start < changeSets.endIndex {
            let chunk = changeSets[start..<min(start + verificationBatch, changeSets.endIndex)]
            if verifyTogether(chunk, in: batch) {
                verdicts.append(contentsOf: repeatElement(true, count: chunk.count))
            } else {
                verdicts.append(contentsOf: chunk.map { $0.verify() })
            }
            start = chunk.endIndex
        }
        return verdicts
    }

    /// Whether every signature of `changeSets` (at most ``verificationBatch``) verifies, checked together: true when
    /// ``verify()`` is true for each one and every author key is in the prime-order subgroup (as every key
    /// `SigningKey` makes; a key with a small-order component fails the batch); false when one is not, but for the
    /// cases ``verifyEach(_:)`` names.
    package static func verifyTogether(_ changeSets: ArraySlice<SignedChangeSet>) -> Bool {
        precondition(changeSets.count <= verificationBatch, "a batch holds at most \(verificationBatch) signatures")
        Sodium.ensureReady()
        guard let batch = hutsync_ed25519_batch_new() else { return changeSets.allSatisfy { $0.verify() } }
        defer { hutsync_ed25519_batch_free(batch) }
        return verifyTogether(changeSets, in: batch)
    }

    private static func verifyTogether(_ changeSets: ArraySlice<SignedChangeSet>, in batch: OpaquePointer) -> Bool {
        hutsync_ed25519_batch_reset(batch)
        return changeSets.allSatisfy { $0.add(to: batch) } && hutsync_ed25519_batch_verify(batch) == 0
    }

    /// Adds this signature to `batch`; false when the batch cannot hold it (a malformed author key, or a signature
    /// libsodium refuses before any arithmetic), and the batch then fails.
    private func add(to batch: OpaquePointer) -> Bool {
        guard signature.count == 64, let author = try? changeSet.authorKey, author.bytes.count == 32 else {
            return false
        }
        return signature.withUnsafeBufferPointer { signature in
            author.bytes.withUnsafeBufferPointer { key in
                Self.signaturePrefix.withUnsafeBufferPointer { prefix in
                    bytes.withUnsafeBufferPointer { message in
                        hutsync_ed25519_batch_add(
                            batch, signature.baseAddress, key.baseAddress, prefix.baseAddress, prefix.count,
                            message.baseAddress, message.count) == 0
                    }
                }
            }
        }
    }
}
