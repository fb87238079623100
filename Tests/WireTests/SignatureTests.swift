import TestSupport
import Testing

@testable import Wire

@Suite struct SignatureTests {
    static let signed = try! SignedChangeSet(
        signing: Fixtures.changeSet(Fixtures.everyOperation.filter { $0.name.hasPrefix("booking.") }),
        with: Fixtures.owner)

    @Test func aFlippedBitAnywhereInTheBytesIsRefusedOrFailsVerification() {
        let original = Self.signed
        var caught = 0
        for position in original.bytes.indices {
            var bytes = original.bytes
            bytes[position] ^= 0x01
            if let tampered = try? SignedChangeSet(bytes: bytes, signature: original.signature) {
                #expect(!tampered.verify(), "flipping byte \(position) still verified")
                #expect(tampered.id != original.id)
            }
            caught += 1
        }
        #expect(caught == original.bytes.count)
    }

    @Test func aFlippedBitInTheSignatureFailsVerification() throws {
        for position in Self.signed.signature.indices {
            var signature = Self.signed.signature
            signature[position] ^= 0x80
            #expect(!(try SignedChangeSet(bytes: Self.signed.bytes, signature: signature)).verify())
        }
    }

    @Test func anotherEncodingOfTheSameChangeSetIsNotAccepted() throws {
        // The same content, written with a space, escaped slash or non-canonical number: refused before verification,
        // so nobody can re-serialise a signed change set.
        let variants = [
            Fixtures.edit(Self.signed.bytes, #""counter":1"#, #""counter": 1"#),
            Fixtures.edit(Self.signed.bytes, #""counter":1"#, #""counter":1.0"#),
            Fixtures.edit(Self.signed.bytes, "changed plans", "changed\\u0020plans"),
        ]
        for variant in variants {
            #expect(throws: WireError.self) { try SignedChangeSet(bytes: variant, signature: Self.signed.signature) }
        }
    }

    @Test func theSignatureIsDomainSeparated() throws {
        // A signature over the bare bytes (no prefix) is not a change-set signature.
        let bare = Fixtures.owner.sign(Self.signed.bytes)
        #expect(!(try SignedChangeSet(bytes: Self.signed.bytes, signature: bare)).verify())
        #expect(
            Fixtures.owner.publicKey.verify(
                Self.signed.signature, of: SignedChangeSet.signaturePrefix + Self.signed.bytes))
    }

    @Test func anotherKeysSignatureFails() throws {
        let forged = Fixtures.admin.sign(SignedChangeSet.signaturePrefix + Self.signed.bytes)
        #expect(!(try SignedChangeSet(bytes: Self.signed.bytes, signature: forged)).verify())
        #expect(
            wireErrorCode { _ = try SignedChangeSet(bytes: Self.signed.bytes, signature: forged).verified() }
                == .badSignature)
    }

    @Test func transportFormRoundTripsAndIsStrict() throws {
        let transport = Self.signed.transport
        let back = try SignedChangeSet(transport: try CanonicalJSON.decode(try CanonicalJSON.encode(transport)))
        #expect(back == Self.signed)
        #expect(back.verify())
        guard case .object(var members) = transport, case .string(let body) = members[0].value else {
            Issue.record("transport is not an object")
            return
        }
        members.append(JSONMember("extra", .int(1)))
        #expect(wireErrorCode { _ = try SignedChangeSet(transport: .object(members)) } == .wrongType)
        let badBase64 = JSONValue.object([
            JSONMember("change_set", .string(body + "=")),
            JSONMember("signature", .string(Hex.encode(Self.signed.signature))),
        ])
        #expect(wireErrorCode { _ = try SignedChangeSet(transport: badBase64) } == .badBase64)
        let upperHex = JSONValue.object([
            JSONMember("change_set", .string(body)),
            JSONMember("signature", .string(Hex.encode(Self.signed.signature).uppercased())),
        ])
        #expect(wireErrorCode { _ = try SignedChangeSet(transport: upperHex) } == .malformedSignature)
    }

    @Test func base64IsCanonical() throws {
        #expect(Base64.encode(Array("hi!?".utf8)) == "aGkhPw==")
        #expect(try Base64.decode("aGkhPw==") == Array("hi!?".utf8))
        for bad in ["aGkhPw=", "aGkhPw", "aGkhPx==", "aGk hPw==", "aGkhPw==\n", "aGkh_w=="] {
            #expect(wireErrorCode { _ = try Base64.decode(bad) } == .badBase64, "\(bad)")
        }
    }
}

@Suite struct SealingTests {
    @Test func recipientsOpenTheirCopyAndOthersHaveNone() throws {
        let plaintext = Array(#"{"cnic":"4210112345671","name":"Bilal","phone":"923331234567"}"#.utf8)
        let copies = try Sealing.seal(
            plaintext, to: [Fixtures.owner.publicKey, Fixtures.admin.publicKey, Fixtures.owner.publicKey])
        #expect(copies.count == 2)
        #expect(copies.map(\.key) == [Fixtures.owner.publicKey, Fixtures.admin.publicKey].sorted().map(\.hex))
        #expect(try Sealing.open(copies, with: Fixtures.owner) == plaintext)
        #expect(try Sealing.open(copies, with: Fixtures.admin) == plaintext)
        #expect(try Sealing.open(copies, with: Fixtures.relay) == nil)
        #expect(!copies.contains { $0.box.contains("Bilal") })
    }

    @Test func aCopyThatDoesNotOpenIsAnErrorNotSilence() throws {
        let copies = try Sealing.seal(Array("secret".utf8), to: [Fixtures.admin.publicKey])
        // Claim the admin's box is the owner's: the owner's key cannot open it.
        let mislabelled = [SealedCopy(key: Fixtures.owner.publicKey.hex, box: copies[0].box)]
        #expect(wireErrorCode { _ = try Sealing.open(mislabelled, with: Fixtures.owner) } == .sealOpenFailed)
        var box = try Base64.decode(copies[0].box)
        box[box.count - 1] ^= 1
        let corrupted = [SealedCopy(key: Fixtures.admin.publicKey.hex, box: Base64.encode(box))]
        #expect(wireErrorCode { _ = try Sealing.open(corrupted, with: Fixtures.admin) } == .sealOpenFailed)
    }

    @Test func sealsAreRandomisedButTheVectorSealIsReproducible() throws {
        let plaintext = Array("x".utf8)
        let first = try Sealing.seal(plaintext, to: [Fixtures.owner.publicKey])
        let second = try Sealing.seal(plaintext, to: [Fixtures.owner.publicKey])
        #expect(first != second)
        let seed = [UInt8](repeating: 7, count: 32)
        let vector = try Sealing.sealForTestVector(plaintext, to: Fixtures.owner.publicKey, ephemeralSeed: seed)
        #expect(vector == (try Sealing.sealForTestVector(plaintext, to: Fixtures.owner.publicKey, ephemeralSeed: seed)))
        #expect(try Sealing.open([vector], with: Fixtures.owner) == plaintext)
    }
}
