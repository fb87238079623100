import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Relay
import Store
import TestSupport
import Testing
import Wire

/// Every door refusal through HTTP: its status and code, and the log unchanged.
@Suite struct HTTPDoorTests {
    static let ownerID = TestID.uuid(1, kind: 0xA)

    static func raw(_ bytes: [UInt8], signedBy key: SigningKey) -> String {
        #"{"change_set":"\#(Base64.encode(bytes))","signature":"\#(Hex.encode(key.sign(SignedChangeSet.signaturePrefix + bytes)))"}"#
    }

    @Test func everyDoorRefusalGetsItsStatusAndLeavesTheLogUnchanged() async throws {
        let harness = try RelayHarness()
        let owner = Fixtures.owner
        try await harness.enrolOwner(owner, id: Self.ownerID)
        let revoked = try SigningKey(seed: [UInt8](repeating: 0x0D, count: 32))
        _ = try await harness.push([
            try harness.changeSet([Catalogue.grant(revoked, role: "reviewer")], by: harness.admin, counter: 2)
        ])
        _ = try await harness.push([
            try harness.changeSet(
                [.keyRevoke(KeyRevoke(publicKey: revoked.publicKey.hex))], by: harness.admin, counter: 3)
        ])
        let head = try harness.store.position()
        let good = try harness.changeSet([Catalogue.owner(Self.ownerID)], by: owner, counter: 1)
        let stranger = try SigningKey(seed: [UInt8](repeating: 0x0E, count: 32))
        let cases: [(String, String, Int)] = [
            (
                #"{"change_sets":[{"change_set":"@@@@","signature":"\#(String(repeating: "00", count: 64))"}]}"#,
                "encoding.bad_base64", 400
            ),
            (
                #"{"change_sets":[\#(Self.raw(Fixtures.edit(good.bytes, #""counter":1"#, #""counter": 1"#), signedBy: owner))]}"#,
                "json.whitespace", 400
            ),
            (#"{"change_sets":[\#(Self.raw(good.bytes, signedBy: stranger))]}"#, "signature.bad", 400),
            (
                #"{"change_sets":[\#(Self.raw(try harness.changeSet([Catalogue.owner(Self.ownerID)], by: stranger, counter: 1).bytes, signedBy: stranger))]}"#,
                "auth.unknown_key", 401
            ),
            (
                #"{"change_sets":[\#(Self.raw(try harness.changeSet([Catalogue.owner(Self.ownerID)], by: revoked, counter: 1).bytes, signedBy: revoked))]}"#,
                "auth.revoked", 401
            ),
            (
                #"{"change_sets":[\#(Self.raw(try harness.changeSet([Catalogue.owner(Self.ownerID)], by: owner, counter: 2).bytes, signedBy: owner))]}"#,
                "counter.gap", 409
            ),
            (
                #"{"change_sets":[\#(Self.raw(try harness.changeSet([Catalogue.owner(Self.ownerID, name: "B")], by: harness.admin, counter: 1).bytes, signedBy: harness.admin))]}"#,
                "counter.reused", 409
            ),
            (
                #"{"change_sets":[\#(Self.raw(try harness.changeSet([Catalogue.owner(Self.ownerID)], by: owner, counter: 1, base: (99, head.headHash)).bytes, signedBy: owner))]}"#,
                "base.mismatch", 409
            ),
            (
                #"{"change_sets":[\#(Self.raw(Fixtures.edit(good.bytes, "owner.put", "owner.fly"), signedBy: owner))]}"#,
                "changeset.unknown_operation", 400
            ),
            (
                #"{"change_sets":[\#(Array(repeating: Self.raw(good.bytes, signedBy: owner), count: 1001).joined(separator: ","))]}"#,
                "push.too_large", 413
            ),
        ]
        try await HTTPTests.app(harness).test(.router) { client in
            for (text, code, status) in cases {
                let body = Array(text.utf8)
                try await client.execute(
                    uri: "/v1/push", method: .post,
                    headers: HTTPTests.headers("POST", "/v1/push", body: body, key: owner),
                    body: ByteBuffer(bytes: body)
                ) { response in
                    #expect(response.status.code == status, "\(code)")
                    let json = HTTPTests.json(response.body)
                    let refusal = (json["refusal"] ?? json["error"]) as? [String: Any]
                    #expect(refusal?["code"] as? String == code)
                }
                #expect(try harness.store.position() == head, "\(code) changed the log")
            }
            // An unauthorized operation passes the door and is sequenced as rejected; re-pushing answers it again.
            let grab = try harness.changeSet(
                [.keyRevoke(KeyRevoke(publicKey: harness.admin.publicKey.hex))], by: owner, counter: 1)
            let body = HTTPTests.pushBody([grab])
            for _ in 0..<2 {
                try await client.execute(
                    uri: "/v1/push", method: .post,
                    headers: HTTPTests.headers("POST", "/v1/push", body: body, key: owner),
                    body: ByteBuffer(bytes: body)
                ) { response in
                    let result = (HTTPTests.json(response.body)["results"] as? [[String: Any]])?.first
                    #expect(result?["seq"] as? Int == head.appliedSeq + 1)
                    #expect((result?["outcome"] as? [String: Any])?["reason"] as? String == "auth.role")
                }
            }
        }
    }

    @Test func aRequestFromTheFutureIsRefused() async throws {
        let harness = try RelayHarness()
        let future = UTCTime(seconds: RelayHarness.now.seconds + 301)
        let borderline = UTCTime(seconds: RelayHarness.now.seconds + 300)
        try await HTTPTests.app(harness).test(.router) { client in
            try await client.execute(
                uri: "/v1/pull", method: .get,
                headers: HTTPTests.headers("GET", "/v1/pull", body: [], key: harness.admin, time: future)
            ) { #expect(HTTPTests.errorCode($0.body) == "auth.clock_skew") }
            try await client.execute(
                uri: "/v1/pull", method: .get,
                headers: HTTPTests.headers("GET", "/v1/pull", body: [], key: harness.admin, time: borderline)
            ) { #expect($0.status == .ok) }
        }
    }
}
