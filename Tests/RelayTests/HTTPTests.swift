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

/// The relay's HTTP API through Hummingbird's test client (no sockets).
@Suite struct HTTPTests {
    static let ownerID = TestID.uuid(1, kind: 0xA)

    static func app(_ harness: RelayHarness, now: UTCTime = RelayHarness.now) throws -> some ApplicationProtocol {
        try RelayServer.build(store: harness.store, relayKey: harness.relayKey, clock: { now })
    }

    static func headers(
        _ method: String, _ path: String, query: String = "", body: [UInt8], key: SigningKey,
        time: UTCTime = RelayHarness.now
    ) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in RequestSignature.sign(
            method: method, path: path, query: query, body: body, key: key, time: time)
        {
            fields[HTTPField.Name(name)!] = value
        }
        return fields
    }

    static func pushBody(_ changeSets: [SignedChangeSet]) -> [UInt8] {
        Array(
            (try? CanonicalJSON.encodeUnlimited(
                .object([JSONMember("change_sets", .array(changeSets.map(\.transport)))]))) ?? [])
    }

    static func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(Array(buffer: buffer))) as? [String: Any]) ?? [:]
    }

    static func errorCode(_ buffer: ByteBuffer) -> String? {
        (json(buffer)["error"] as? [String: Any])?["code"] as? String
    }

    @Test func publicEndpointsAndDateOnEveryAnswer() async throws {
        let harness = try RelayHarness()
        try await Self.app(harness).test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(Self.json(response.body)["head"] as? Int == 1)
                #expect(response.headers[.date] == "Wed, 25 Nov 2026 06:00:00 GMT")
            }
            try await client.execute(uri: "/v1/head", method: .get) { response in
                let body = Self.json(response.body)
                let head = SignedHead(
                    seq: body["seq"] as! Int, hash: try Hex.decode(body["hash"] as! String),
                    digest: try Hex.decode(body["digest"] as! String),
                    signature: try Hex.decode(body["signature"] as! String))
                #expect(head.verify(relay: harness.relayKey.publicKey))
                #expect(head.digest == (try harness.store.position()).digest)
            }
            try await client.execute(uri: "/v1/genesis", method: .get) { response in
                let entries = Self.json(response.body)["entries"] as? [[String: Any]]
                #expect(entries?.count == 1)
                #expect(entries?.first?["seq"] as? Int == 1)
            }
            try await client.execute(uri: "/v1/nothing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.date] != nil)
                #expect(Self.errorCode(response.body) == "http.404")
            }
        }
    }

    @Test func pushThenPull() async throws {
        let harness = try RelayHarness()
        let changeSet = try harness.changeSet([Catalogue.owner(Self.ownerID)], by: harness.admin, counter: 1)
        let body = Self.pushBody([changeSet])
        try await Self.app(harness).test(.router) { client in
            try await client.execute(
                uri: "/v1/push", method: .post,
                headers: Self.headers("POST", "/v1/push", body: body, key: harness.admin),
                body: ByteBuffer(bytes: body)
            ) { response in
                #expect(response.status == .ok)
                let answer = Self.json(response.body)
                let results = answer["results"] as? [[String: Any]]
                #expect(results?.first?["seq"] as? Int == 2)
                #expect(results?.first?["id"] as? String == changeSet.idHex)
                #expect((results?.first?["outcome"] as? [String: Any])?["kind"] as? String == "applied")
                #expect(answer["next_counter"] as? Int == 2)
            }
            let query = "after=1&limit=10"
            try await client.execute(
                uri: "/v1/pull?" + query, method: .get,
                headers: Self.headers("GET", "/v1/pull", query: query, body: [], key: harness.admin)
            ) { response in
                #expect(response.status == .ok)
                let page = Self.json(response.body)
                let entries = try #require(page["entries"] as? [[String: Any]])
                #expect(entries.map { $0["seq"] as? Int } == [2])
                let transport = try #require(entries[0]["change_set"] as? [String: String])
                #expect(transport["change_set"] == Base64.encode(changeSet.bytes))
                #expect(entries[0]["digest"] as? String == Hex.encode(try harness.store.position().digest))
                #expect(page["next_counter"] as? Int == 2)
                #expect((page["head"] as? [String: Any])?["seq"] as? Int == 2)
            }
        }
    }

    @Test func signedRequestRefusalsInOrder() async throws {
        let harness = try RelayHarness()
        let stranger = try SigningKey(seed: [UInt8](repeating: 0x0E, count: 32))
        let body = Self.pushBody([])
        let admin = harness.admin
        let skewed = UTCTime(seconds: RelayHarness.now.seconds - 301)
        let cases: [(HTTPFields, [UInt8], String)] = [
            (HTTPFields(), body, "auth.missing"),
            (Self.headers("POST", "/v1/push", body: body, key: admin), body + [0x20], "auth.bad_signature"),
            (Self.headers("POST", "/v1/pull", body: body, key: admin), body, "auth.bad_signature"),
            (Self.headers("POST", "/v1/push", body: body, key: stranger), body, "auth.unknown_key"),
            (Self.headers("POST", "/v1/push", body: body, key: admin, time: skewed), body, "auth.clock_skew"),
        ]
        try await Self.app(harness).test(.router) { client in
            for (headers, sent, code) in cases {
                try await client.execute(
                    uri: "/v1/push", method: .post, headers: headers, body: ByteBuffer(bytes: sent)
                ) { response in
                    #expect(response.status == .unauthorized, "\(code)")
                    #expect(Self.errorCode(response.body) == code)
                    if code == "auth.clock_skew" {
                        #expect(
                            (Self.json(response.body)["error"] as? [String: Any])?["server_time"] as? String
                                == "2026-11-25T06:00:00Z")
                    }
                }
            }
            let replayed = Self.headers("POST", "/v1/push", body: body, key: admin)
            try await client.execute(uri: "/v1/push", method: .post, headers: replayed, body: ByteBuffer(bytes: body)) {
                response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v1/push", method: .post, headers: replayed, body: ByteBuffer(bytes: body)) {
                response in
                #expect(Self.errorCode(response.body) == "auth.replay")
            }
        }
        #expect(try harness.store.position().appliedSeq == 1)
    }

    @Test func oversizedAndMalformedBodiesChangeNothing() async throws {
        let harness = try RelayHarness()
        let admin = harness.admin
        let good = try harness.changeSet([Catalogue.owner(Self.ownerID)], by: admin, counter: 1)
        // Non-canonical bytes (a space), correctly signed: refused at the door with the decoder's code.
        let spaced = Fixtures.edit(good.bytes, #""counter":1"#, #""counter": 1"#)
        let malformed =
            #"{"change_sets":[{"change_set":"\#(Base64.encode(spaced))","signature":"\#(Hex.encode(admin.sign(SignedChangeSet.signaturePrefix + spaced)))"}]}"#
        let future = Fixtures.edit(good.bytes, #""v":1"#, #""v":2"#)
        let upgrade =
            #"{"change_sets":[{"change_set":"\#(Base64.encode(future))","signature":"\#(Hex.encode(admin.sign(SignedChangeSet.signaturePrefix + future)))"}]}"#
        try await Self.app(harness).test(.router) { client in
            for (text, status, code) in [
                (malformed, 400, "json.whitespace"), (upgrade, 400, "changeset.unsupported_version"),
                ("[1,2]", 400, "push.malformed"),
            ] {
                let body = Array(text.utf8)
                try await client.execute(
                    uri: "/v1/push", method: .post, headers: Self.headers("POST", "/v1/push", body: body, key: admin),
                    body: ByteBuffer(bytes: body)
                ) { response in
                    #expect(response.status.code == status, "\(code)")
                    let refusal =
                        (Self.json(response.body)["refusal"] ?? Self.json(response.body)["error"]) as? [String: Any]
                    #expect(refusal?["code"] as? String == code)
                }
            }
            var big = Self.headers("POST", "/v1/push", body: [], key: admin)
            big[.contentLength] = "\(WireLimits.pushBytes + 1)"
            try await client.execute(
                uri: "/v1/push", method: .post, headers: big,
                body: ByteBuffer(bytes: [UInt8](repeating: 0x20, count: WireLimits.pushBytes + 1))
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(Self.errorCode(response.body) == "push.too_large")
            }
        }
        #expect(try harness.store.position().appliedSeq == 1)
    }

    @Test func aLongPollReturnsAsSoonAsAnEntryArrives() async throws {
        let harness = try RelayHarness()
        let admin = harness.admin
        try await Self.app(harness).test(.router) { client in
            let start = ContinuousClock.now
            let query = "after=1&wait=30"
            async let page: [String: Any] = client.execute(
                uri: "/v1/pull?" + query, method: .get,
                headers: Self.headers("GET", "/v1/pull", query: query, body: [], key: admin)
            ) { Self.json($0.body) }
            try await Task.sleep(for: .milliseconds(300))
            let changeSet = try harness.changeSet([Catalogue.owner(Self.ownerID)], by: admin, counter: 1)
            let body = Self.pushBody([changeSet])
            try await client.execute(
                uri: "/v1/push", method: .post, headers: Self.headers("POST", "/v1/push", body: body, key: admin),
                body: ByteBuffer(bytes: body)
            ) { #expect($0.status == .ok) }
            let entries = try await page["entries"] as? [[String: Any]]
            #expect(entries?.map { $0["seq"] as? Int } == [2])
            #expect(ContinuousClock.now - start < .seconds(20))
        }
    }
}

extension HTTPTests {
    /// Pull pages are gzipped for clients that accept it; the system's `gzip -d` (an independent implementation)
    /// reads them back to the same page.
    @Test func pullPagesAreGzippedWhenAccepted() async throws {
        let harness = try RelayHarness()
        let changeSets = try (1...20).map { counter in
            try harness.changeSet(
                [Catalogue.owner(TestID.uuid(counter, kind: 0xA))], by: harness.admin, counter: counter)
        }
        _ = try await harness.push(changeSets)
        try await Self.app(harness).test(.router) { client in
            var plain: [UInt8] = []
            try await client.execute(uri: "/v1/genesis", method: .get) { response in
                #expect(response.headers[.contentEncoding] == nil)
                plain = Array(buffer: response.body)
            }
            var headers = HTTPFields()
            headers[.acceptEncoding] = "br;q=1.0, gzip;q=0.8"
            try await client.execute(uri: "/v1/genesis", method: .get, headers: headers) { response in
                #expect(response.headers[.contentEncoding] == "gzip")
                let compressed = Array(buffer: response.body)
                #expect(compressed.prefix(2) == [0x1F, 0x8B])
                let unzipped = try Self.gunzip(compressed)
                #expect(unzipped == plain)
            }
            let query = "after=0"
            var signed = Self.headers("GET", "/v1/pull", query: query, body: [], key: harness.admin)
            signed[.acceptEncoding] = "gzip"
            try await client.execute(uri: "/v1/pull?" + query, method: .get, headers: signed) { response in
                let page = try Self.gunzip(Array(buffer: response.body))
                let entries =
                    (try JSONSerialization.jsonObject(with: Data(page)) as? [String: Any])?["entries"] as? [Any]
                #expect(entries?.count == 21)
                #expect(page.count > 2 * response.body.readableBytes, "gzip should shrink a page of hex and base64")
            }
            headers[.acceptEncoding] = "gzip;q=0"
            try await client.execute(uri: "/v1/genesis", method: .get, headers: headers) {
                #expect($0.headers[.contentEncoding] == nil)
            }
        }
    }

    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let directory = TemporaryDirectory()
        let path = directory.file("page.gz")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-d", "-c", path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }
}
