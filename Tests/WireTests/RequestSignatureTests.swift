import TestSupport
import Testing

@testable import Wire

@Suite struct RequestSignatureTests {
    static let body = Array(#"{"change_sets":[]}"#.utf8)
    static let time = UTCTime("2026-11-25T06:00:00Z")!

    static func signed(nonce: [UInt8] = [UInt8](repeating: 7, count: 16)) -> RequestSignature {
        let headers = RequestSignature.sign(
            method: "POST", path: "/v1/push", query: "", body: body, key: Fixtures.owner, time: time, nonce: nonce)
        return RequestSignature { name in headers.first { $0.name == name }?.value }!
    }

    @Test func verifiesTheRequestItSigned() {
        #expect(Self.signed().verify(method: "POST", path: "/v1/push", query: "", body: Self.body))
        #expect(Self.signed().publicKey == Fixtures.owner.publicKey)
    }

    @Test func anyChangedPartFailsVerification() {
        let request = Self.signed()
        #expect(!request.verify(method: "GET", path: "/v1/push", query: "", body: Self.body))
        #expect(!request.verify(method: "POST", path: "/v1/pull", query: "", body: Self.body))
        #expect(!request.verify(method: "POST", path: "/v1/push", query: "after=1", body: Self.body))
        #expect(!request.verify(method: "POST", path: "/v1/push", query: "", body: Self.body + [0x20]))
        var later = request
        later.time = UTCTime(seconds: Self.time.seconds + 1)
        #expect(!later.verify(method: "POST", path: "/v1/push", query: "", body: Self.body))
        var otherNonce = request
        otherNonce.nonce = String(repeating: "08", count: 16)
        #expect(!otherNonce.verify(method: "POST", path: "/v1/push", query: "", body: Self.body))
    }

    @Test func missingOrMalformedHeadersAreNotASignature() {
        let headers = Dictionary(
            uniqueKeysWithValues: RequestSignature.sign(
                method: "GET", path: "/v1/pull", query: "", body: [], key: Fixtures.owner, time: Self.time
            ).map { ($0.name, $0.value) })
        #expect(RequestSignature { headers[$0] } != nil)
        for name in headers.keys {
            var missing = headers
            missing[name] = nil
            #expect(RequestSignature { missing[$0] } == nil, "without \(name)")
            var garbled = headers
            garbled[name] = "zz"
            #expect(RequestSignature { garbled[$0] } == nil, "malformed \(name)")
        }
    }

    @Test func theSignedHeadVerifiesWithTheRelayKeyOnly() {
        let head = SignedHead(
            seq: 7, hash: [UInt8](repeating: 1, count: 32), digest: [UInt8](repeating: 2, count: 32),
            signedBy: Fixtures.relay)
        #expect(head.verify(relay: Fixtures.relay.publicKey))
        #expect(!head.verify(relay: Fixtures.admin.publicKey))
        var moved = head
        moved.seq = 8
        #expect(!moved.verify(relay: Fixtures.relay.publicKey))
    }
}
