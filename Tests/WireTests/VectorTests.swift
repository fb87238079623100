import Foundation
import TestSupport
import Testing

@testable import Wire

/// The published vectors: `docs/vectors/v1.json` is the golden file; the code must reproduce it, every vector must
/// check independently, and `docs/protocol.md` must quote the same strings.
@Suite struct VectorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtureText = try! String(
        contentsOf: root.appendingPathComponent("docs/vectors/v1.json"), encoding: .utf8)
    // Read-only after initialisation; `[String: Any]` is not Sendable only because `Any` is not.
    nonisolated(unsafe) static let fixture =
        try! JSONSerialization.jsonObject(with: Data(fixtureText.utf8)) as! [String: Any]

    private func strings(_ key: String, in object: Any?) -> String { (object as? [String: Any])?[key] as? String ?? "" }

    @Test func theCodeReproducesTheGoldenFile() throws {
        let built = try TestVectors.build().pretty()
        #expect(built + "\n" == Self.fixtureText || built == Self.fixtureText, "run `make vectors` and compare")
    }

    @Test func everyChangeSetVectorChecksOnItsOwn() throws {
        let vectors = try #require(Self.fixture["change_sets"] as? [[String: Any]])
        #expect(vectors.count == 4)
        for vector in vectors {
            let bytes = try Hex.decode(strings("canonical_hex", in: vector))
            #expect(String(decoding: bytes, as: UTF8.self) == strings("canonical", in: vector))
            let key = try SigningKey(seed: try Hex.decode(strings("author_seed", in: vector)))
            let signature = try Hex.decode(strings("signature", in: vector))
            let signed = try SignedChangeSet(bytes: bytes, signature: signature)
            #expect(signed.verify())
            #expect(signed.idHex == strings("id", in: vector))
            #expect(key.sign(SignedChangeSet.signaturePrefix + bytes) == signature)  // Ed25519 is deterministic
            #expect(try signed.changeSet.canonicalBytes() == bytes)
        }
    }

    @Test func everyRefusalVectorGivesItsCode() throws {
        let refusals = try #require(Self.fixture["refusals"] as? [[String: Any]])
        #expect(refusals.count >= 20)
        for refusal in refusals {
            let input = try Hex.decode(strings("input_hex", in: refusal))
            let code = wireErrorCode { _ = try ChangeSet.decode(canonical: input) }
            #expect(code?.rawValue == strings("error", in: refusal), "\(strings("name", in: refusal))")
        }
    }

    @Test func theSealedBoxVectorOpens() throws {
        let vector = Self.fixture["sealed_box"]
        let key = try SigningKey(seed: try Hex.decode(strings("recipient_seed", in: vector)))
        let copy = SealedCopy(key: strings("recipient_public_key", in: vector), box: strings("box", in: vector))
        let plaintext = try #require(try Sealing.open([copy], with: key))
        #expect(String(decoding: plaintext, as: UTF8.self) == strings("plaintext", in: vector))
        let details = try JSONValueDecoder.decode(ContactDetails.self, from: try CanonicalJSON.decode(plaintext))
        #expect(details.cnic == "4210112345671")
    }

    @Test func bookingCodeAndTxnHashVectors() throws {
        let code = try #require(Self.fixture["booking_code"] as? [String: Any])
        let id = strings("booking_id", in: code)
        #expect(code["candidates"] as? [String] == [0, 1, 5, 6].map { BookingCode.candidate($0, for: id) ?? "" })
        let txn = Self.fixture["txn_hash"]
        #expect(
            DerivedHashes.txnHash(method: strings("method", in: txn), transactionID: strings("transaction_id", in: txn))
                == strings("txn_hash", in: txn))
        #expect(
            DerivedHashes.txnHash(method: "easypaisa", transactionID: "0123ABCD9XYZ") == strings("txn_hash", in: txn))
        #expect(
            DerivedHashes.txnHash(method: "jazzcash", transactionID: "0123ABCD9XYZ") != strings("txn_hash", in: txn))
    }

    @Test func theProtocolDocumentQuotesEveryVector() throws {
        let document = try String(contentsOf: Self.root.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
        let vectors = try #require(Self.fixture["change_sets"] as? [[String: Any]])
        for vector in vectors {
            for key in ["canonical_hex", "id", "signature"] {
                #expect(
                    document.contains(strings(key, in: vector)),
                    "protocol.md lacks \(strings("name", in: vector)).\(key)")
            }
        }
        for refusal in try #require(Self.fixture["refusals"] as? [[String: Any]]) {
            #expect(document.contains(strings("name", in: refusal)))
        }
        #expect(document.contains(strings("box", in: Self.fixture["sealed_box"])))
        #expect(document.contains(strings("digest", in: Self.fixture["booking_code"])))
        for name in Operation.allNames { #expect(document.contains("`\(name)`"), "protocol.md lacks \(name)") }
        for (code, _) in ReasonCode.applyCatalogue + ReasonCode.doorCatalogue {
            #expect(document.contains(code.rawValue), "protocol.md lacks reason \(code)")
        }
    }
}

extension VectorTests {
    @Test func theHTTPVectorsAreQuotedAndCheck() throws {
        let document = try String(contentsOf: Self.root.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
        let request = try #require(Self.fixture["request_signature"] as? [String: Any])
        let head = try #require((Self.fixture["signed_head"] as? [String: Any])?["head"] as? [String: Any])
        for text in [request["message_hex"], request["x_hutsync_signature"], head["signature"]] {
            #expect(document.contains(try #require(text as? String)))
        }
        let signed = RequestSignature { name in
            request[name.lowercased().replacingOccurrences(of: "-", with: "_")] as? String
        }
        #expect(
            signed?.verify(
                method: request["method"] as! String, path: request["path"] as! String,
                query: request["query"] as! String,
                body: Array((request["body"] as! String).utf8)) == true)
    }

    /// The entry hash's input is written directly; it is the canonical JSON of its members, for every kind of
    /// outcome (a rejection's field and holders are the outcome's own canonical text, escapes included).
    @Test func theEntryHashInputIsTheCanonicalJSONOfItsMembers() throws {
        let outcomes: [Outcome] = [
            .applied, .conflicted, .rejected(op: 3, reason: .slotTaken),
            .rejected(Rejection(op: 0, reason: ReasonCode("value.invalid"), field: "prices[1].\"shift\"\u{1}é")),
            .rejected(
                Rejection(op: 12, reason: .slotTaken, holders: ["HB-7Q2K", "block:\(TestID.uuid(9, kind: 0xB))"])),
        ]
        for (index, outcome) in outcomes.enumerated() {
            let digest = (0..<32).map { UInt8(truncatingIfNeeded: $0 * 7 + index) }
            let id = (0..<32).map { UInt8(truncatingIfNeeded: 255 - $0 - index) }
            let previous = index == 0 ? EntryHash.zero : (0..<32).map { UInt8(truncatingIfNeeded: $0 ^ 0x5A) }
            let seq = [1, 99, 100_000, Int(Int32.max), 7][index]
            let time = UTCTime(seconds: 1_795_600_000 + index * 86_399)
            let members = JSONValue.object([
                JSONMember("seq", .int(seq)), JSONMember("time", .string(time.description)),
                JSONMember("prev", .string(Hex.encode(previous))), JSONMember("outcome", outcome.json),
                JSONMember("id", .string(Hex.encode(id))), JSONMember("digest", .string(Hex.encode(digest))),
            ])
            let expected = EntryHash.prefix + (try CanonicalJSON.encode(members))
            let input = EntryHash.input(
                seq: seq, previous: previous, relayTime: time, changeSetID: id, outcome: outcome, digest: digest)
            #expect(input == expected, "\(outcome)")
            #expect(
                EntryHash.compute(
                    seq: seq, previous: previous, relayTime: time, changeSetID: id, outcome: outcome, digest: digest)
                    == Sodium.blake2b256(expected))
        }
    }
}
