import CoreMetrics
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import Store
import Wire

/// The relay's HTTP API: health, the public genesis and head, and signed push and pull.
struct RelayRoutes: Sendable {
    static let maxBody = WireLimits.pushBytes
    static let maxPullLimit = 1000
    static let maxWaitSeconds = 60

    let sequencer: Sequencer
    let store: ReplicaStore
    let relayKey: SigningKey
    let authenticator: RequestAuthenticator
    let metrics: RelayMetrics?

    func register(on router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in
            JSONResponse.ok(
                .object([JSONMember("status", .string("ok")), JSONMember("head", .int(try self.position().appliedSeq))])
            )
        }
        router.get("/v1/genesis") { request, _ in
            JSONResponse.ok(
                bytes: try self.page(after: 0, limit: 1, requester: nil), gzip: JSONResponse.acceptsGzip(request))
        }
        router.get("/v1/head") { _, _ in JSONResponse.ok(try self.head().json) }
        router.post("/v1/push") { request, _ in try await self.push(request) }
        router.get("/metrics") { _, _ in
            guard let metrics = self.metrics else { throw RelayError("http.404", "metrics are off", status: 404) }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(
                status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
        router.get("/v1/pull") { request, _ in try await self.pull(request) }
    }

    private func position() throws(RelayError) -> ReplicaPosition {
        do { return try store.position() } catch { throw .unavailable("the relay could not read its log") }
    }

    private func head() throws(RelayError) -> SignedHead {
        let position = try position()
        return SignedHead(
            seq: position.appliedSeq, hash: position.headHash, digest: position.digest, signedBy: relayKey)
    }

    /// The body, refusing one over 4 MiB before anything else looks at it.
    private func body(_ request: Request) async throws(RelayError) -> [UInt8] {
        let tooLarge = RelayError("push.too_large", "the body is over \(Self.maxBody) bytes", status: 413)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maxBody { throw tooLarge }
        do {
            return Array(buffer: try await request.body.collect(upTo: Self.maxBody))
        } catch {
            throw tooLarge
        }
    }

    private func push(_ request: Request) async throws(RelayError) -> Response {
        let bytes = try await body(request)
        let requester = try await authenticator.authenticate(request, body: bytes)
        let (changeSets, malformed) = try PushBody.parse(bytes)
        var answer = Sequencer.PushAnswer()
        if !changeSets.isEmpty {
            answer = try await sequencer.push(Sequencer.Push(changeSets: changeSets, requester: requester))
        } else {
            answer.nextCounter = try nextCounter(requester)
        }
        if answer.refusal == nil, let malformed { answer.refusal = malformed }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let status = answer.refusal.flatMap { answer.entries.isEmpty ? $0.error.status : nil } ?? 200
        return Response(
            status: .init(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.canonicalJSON)))
    }

    private func nextCounter(_ key: PublicKey) throws(RelayError) -> Int {
        do {
            return try store.writer.read { db in try Door.lastCounter(key.hex, db: db) } + 1
        } catch { throw .unavailable("the relay could not read its log") }
    }

    private func pull(_ request: Request) async throws(RelayError) -> Response {
        let requester = try await authenticator.authenticate(request, body: try await body(request))
        let query = request.uri.queryParameters
        func number(_ name: String, default value: Int, _ range: ClosedRange<Int>) throws(RelayError) -> Int {
            guard let text = query[name[...]] else { return value }
            guard let parsed = Int(String(text)), range.contains(parsed) else {
                throw RelayError("query.invalid", "\(name) must be a whole number in \(range)", status: 400)
            }
            return parsed
        }
        let after = try number("after", default: 0, 0...Int(Int32.max))
        let limit = try number("limit", default: Self.maxPullLimit, 1...Self.maxPullLimit)
        let wait = try number("wait", default: 0, 0...Self.maxWaitSeconds)
        if wait > 0 {
            metrics?.pullWaiters.increment()
            // A relay shutting down answers its long polls at once instead of waiting them out.
            let heads = sequencer.heads
            try? await cancelWhenGracefulShutdown { await heads.wait(after: after, timeout: .seconds(wait)) }
            metrics?.pullWaiters.decrement()
        }
        return JSONResponse.ok(
            bytes: try page(after: after, limit: limit, requester: requester), gzip: JSONResponse.acceptsGzip(request))
    }

    /// `{"entries": […], "head": {signed head}, "next_counter"}` (the counter only for a signed request), as canonical
    /// JSON written directly (``PullPageJSON``).
    private func page(after: Int, limit: Int, requester: PublicKey?) throws(RelayError) -> [UInt8] {
        let records: [LogRecord]
        do { records = try store.logRecords(after: after, limit: limit) } catch {
            throw .unavailable("the relay could not read its log")
        }
        return PullPageJSON.write(
            records, head: try head(), nextCounter: try requester.map { key throws(RelayError) in try nextCounter(key) }
        )
    }
}

extension Sequencer.PushAnswer {
    /// The canonical JSON of a push answer, `{"next_counter", "refusal"?, "results": [{"id", "outcome", "seq"}, …]}`,
    /// written directly rather than built as a ``JSONValue`` and encoded (the same bytes). Each outcome is canonical
    /// JSON already, as the log holds it: it is checked (canonical JSON has one encoding, so bytes that decode are
    /// the bytes encoding would write) and copied; one that is not would be `null`, as before.
    package var canonicalJSON: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32 + entries.count * 140)
        out.append(contentsOf: #"{"next_counter":"#.utf8)
        out.append(contentsOf: String(nextCounter).utf8)
        if let refusal = refusal {
            var error = refusal.error
            error.extra.append(JSONMember("index", .int(refusal.index)))
            out.append(contentsOf: #","refusal":"#.utf8)
            out.append(
                contentsOf: (try? CanonicalJSON.encodeUnlimited(error.body["error"] ?? .null)) ?? Array("null".utf8))
        }
        out.append(contentsOf: #","results":["#.utf8)
        for (position, entry) in entries.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"id":""#.utf8)
            out.append(contentsOf: Hex.encode(entry.id).utf8)
            out.append(contentsOf: #"","outcome":"#.utf8)
            let outcome = Array(entry.outcome.utf8)
            out.append(contentsOf: (try? CanonicalJSON.decode(outcome)) == nil ? Array("null".utf8) : outcome)
            out.append(contentsOf: #","seq":"#.utf8)
            out.append(contentsOf: String(entry.seq).utf8)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }
}
