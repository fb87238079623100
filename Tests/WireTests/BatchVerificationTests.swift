import CSodium
import TestSupport
import Testing

@testable import Wire

/// `SignedChangeSet.verifyTogether` (the batch equation in `ed25519_batch.c`) and `verifyEach` (batches, then one by
/// one where a batch fails) against libsodium's one-by-one verdict.
@Suite struct BatchVerificationTests {
    static let authors = [Fixtures.owner, Fixtures.admin, Fixtures.relay]
    /// 150 good change sets by three authors: more than two batches.
    static let good: [SignedChangeSet] = (0..<150).map { index in
        let author = authors[index % 3]
        let ops = Array(Fixtures.everyOperation.prefix(1 + index % 4))
        return try! SignedChangeSet(
            signing: Fixtures.changeSet(ops, author: author, counter: index + 1), with: author)
    }

    /// The ways a signature can be bad, each made from good change set `index`.
    enum Flaw: CaseIterable {
        case flippedS, flippedR, anotherChangeSetsSignature, signedByAnotherKey, nonCanonicalS, smallOrderR
    }

    static func bad(_ flaw: Flaw, from index: Int, bit: Int = 0) throws -> SignedChangeSet {
        let original = good[index]
        var signature = original.signature
        switch flaw {
        case .flippedS: signature[32 + bit % 31] ^= UInt8(1 << (bit % 8))
        case .flippedR: signature[bit % 32] ^= UInt8(1 << (bit % 8))
        case .anotherChangeSetsSignature: signature = good[(index + 1) % good.count].signature
        case .signedByAnotherKey:
            let other = authors[(index + 1) % 3]
            signature = other.sign(SignedChangeSet.signaturePrefix + original.bytes)
        case .nonCanonicalS: signature = Array(signature[..<32]) + Self.plusL(Array(signature[32...]))
        case .smallOrderR: signature = Self.smallOrderRSignature(original, by: authors[index % 3])
        }
        return try SignedChangeSet(bytes: original.bytes, signature: signature)
    }

    @Test func goodSignaturesPassTogetherAndEach() {
        #expect(SignedChangeSet.verifyTogether(Self.good[..<64]))
        #expect(SignedChangeSet.verifyTogether(Self.good[100..<101]))
        #expect(SignedChangeSet.verifyTogether(Self.good[0..<0]))
        #expect(SignedChangeSet.verifyEach(Self.good[...]) == Array(repeating: true, count: Self.good.count))
        #expect(SignedChangeSet.verifyEach(Self.good[..<0]).isEmpty)
    }

    @Test(arguments: Flaw.allCases) func oneBadSignatureFailsItsBatchAndIsFoundOneByOne(_ flaw: Flaw) throws {
        for position in [0, 17, 63, 64, 149] {
            let bad = try Self.bad(flaw, from: position, bit: position)
            #expect(!bad.verify(), "libsodium accepted \(flaw)")
            var changeSets = Self.good
            changeSets[position] = bad
            let batchStart = position / 64 * 64
            let batch = changeSets[batchStart..<min(batchStart + 64, changeSets.count)]
            let batchAccepted = SignedChangeSet.verifyTogether(batch)
            let aloneAccepted = SignedChangeSet.verifyTogether(changeSets[position...position])
            let verdicts = SignedChangeSet.verifyEach(changeSets[...])
            let refused = verdicts.indices.filter { !verdicts[$0] }
            #expect(!batchAccepted, "the batch accepted \(flaw) at \(position)")
            #expect(!aloneAccepted, "a batch of one accepted \(flaw)")
            #expect(refused == [position], "\(flaw) at \(position)")
        }
    }

    /// The two flaws libsodium refuses before its arithmetic, on signatures that satisfy the equation (S·B = R + h·A
    /// modulo L): without those same refusals the batch would accept them.
    @Test func signaturesThatSatisfyTheEquationButLibsodiumRefusesAreRefused() throws {
        for flaw in [Flaw.nonCanonicalS, .smallOrderR] {
            let bad = try Self.bad(flaw, from: 4)
            let accepted = SignedChangeSet.verifyTogether(Self.good[0..<4] + [bad])
            #expect(!bad.verify())
            #expect(!accepted, "the batch accepted \(flaw)")
        }
    }

    /// A key A + T with T of order 8: libsodium accepts it, and signatures for it whose h is a multiple of 8. The
    /// batch reduces each key's Σ z_i·h_i mod L, which would shift the sum by a multiple of T, so it refuses such a key
    /// outright (without that refusal, a batch of them would pass about once in 8); one by one they verify.
    @Test func aKeyWithASmallOrderComponentNeverPassesABatchYetItsSignaturesVerify() throws {
        let signed = try (0..<4).map { try Self.mixedOrderKeySignature(counter: $0 + 1) }
        #expect(signed.allSatisfy { $0.verify() }, "libsodium refused the mixed-order key's signatures")
        let passed = (0..<40).filter { _ in SignedChangeSet.verifyTogether(signed[...]) }.count
        #expect(passed == 0)
        let page = Array(Self.good[0..<10]) + signed
        #expect(SignedChangeSet.verifyEach(page[...]) == Array(repeating: true, count: page.count))
    }

    @Test func randomMixesGetLibsodiumsVerdicts() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<60 {
            let count = Int.random(in: 2...64, using: &generator)
            let start = Int.random(in: 0...(Self.good.count - count), using: &generator)
            var changeSets = Array(Self.good[start..<start + count])
            let flawed = round % 3 == 0 ? [] : (0..<Int.random(in: 1...3)).map { _ in Int.random(in: 0..<count) }
            for index in flawed {
                let flaw = Flaw.allCases.randomElement(using: &generator)!
                changeSets[index] = try Self.bad(flaw, from: start + index, bit: Int.random(in: 0..<256))
            }
            let verdicts = changeSets.map { $0.verify() }
            let together = SignedChangeSet.verifyTogether(changeSets[...])
            let each = SignedChangeSet.verifyEach(changeSets[...])
            #expect(together == !verdicts.contains(false), "round \(round): flaws at \(flawed)")
            #expect(each == verdicts, "round \(round): flaws at \(flawed)")
        }
    }

    /// A change set by the owner's key plus a point of order 8, signed with the owner's secret scalar and a nonce
    /// retried until h ≡ 0 (mod 8), so that S·B = R + h·A' holds exactly.
    static func mixedOrderKeySignature(counter: Int) throws -> SignedChangeSet {
        let orderEight: [UInt8] = [
            0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
            0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
        ]
        var mixed = [UInt8](repeating: 0, count: 32)
        #expect(crypto_core_ed25519_add(&mixed, Fixtures.owner.publicKey.bytes, orderEight) == 0)
        var changeSet = Fixtures.changeSet([Fixtures.everyOperation[0]], counter: counter)
        changeSet.author = try PublicKey(bytes: mixed).hex
        let bytes = try changeSet.canonicalBytes()
        let secret = secretScalar(of: Fixtures.owner)
        while true {
            var r = [UInt8](repeating: 0, count: 32)
            crypto_core_ed25519_scalar_random(&r)
            var point = [UInt8](repeating: 0, count: 32)
            guard crypto_scalarmult_ed25519_base_noclamp(&point, r) == 0 else { continue }
            let h = challenge(point + mixed + SignedChangeSet.signaturePrefix + bytes)
            guard h[0] & 7 == 0 else { continue }
            var product = [UInt8](repeating: 0, count: 32)
            crypto_core_ed25519_scalar_mul(&product, h, secret)
            var s = [UInt8](repeating: 0, count: 32)
            crypto_core_ed25519_scalar_add(&s, r, product)
            return try SignedChangeSet(bytes: bytes, signature: point + s)
        }
    }

    /// The key's secret scalar a (A = a·B), reduced mod L.
    static func secretScalar(of key: SigningKey) -> [UInt8] {
        var expanded = [UInt8](repeating: 0, count: 64)
        crypto_hash_sha512(&expanded, key.seed, 32)
        expanded[0] &= 248
        expanded[31] &= 127
        expanded[31] |= 64
        var secret = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_reduce(&secret, Array(expanded[..<32]) + [UInt8](repeating: 0, count: 32))
        return secret
    }

    /// SHA-512 of `message`, reduced mod L.
    static func challenge(_ message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 64)
        crypto_hash_sha512(&digest, message, UInt64(message.count))
        var h = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_reduce(&h, digest)
        return h
    }

    /// S + L, little-endian: the same scalar modulo L, in a non-canonical encoding.
    static func plusL(_ s: [UInt8]) -> [UInt8] {
        let order: [UInt8] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ]
        var out = [UInt8](repeating: 0, count: 32)
        var carry = 0
        for index in 0..<32 {
            let sum = Int(s[index]) + Int(order[index]) + carry
            out[index] = UInt8(sum & 0xff)
            carry = sum >> 8
        }
        return out
    }

    /// R = the identity (small order) and S = h·a: satisfies S·B = R + h·A, which only the key's holder can make.
    static func smallOrderRSignature(_ signed: SignedChangeSet, by key: SigningKey) -> [UInt8] {
        let identity: [UInt8] = [1] + [UInt8](repeating: 0, count: 31)
        let h = challenge(identity + key.publicKey.bytes + SignedChangeSet.signaturePrefix + signed.bytes)
        var s = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_mul(&s, h, secretScalar(of: key))
        return identity + s
    }
}
