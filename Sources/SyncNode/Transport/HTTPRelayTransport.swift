package import Foundation
package import Wire

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The relay over HTTP: signed requests corrected by the clock offset learned from the relay's `Date` header, one
/// retry after `auth.clock_skew`, and the exit-code mapping of failures.
package final class HTTPRelayTransport: RelayTransport, @unchecked Sendable {
    // `offset` is guarded by `lock`; everything else is immutable.
    package let base: URL
    private let key: SigningKey?
    private let session: URLSession
    private let lock = NSLock()
    private var offset = 0

    package init(base: URL, key: SigningKey?, clockOffset: Int = 0) {
        self.base = base
        self.key = key
        self.offset = clockOffset
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 90
        // Pull pages are read once: nothing to cache (an in-memory cache only grows the node's footprint).
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        self.session = URLSession(configuration: configuration)
    }

    /// Seconds to add to this machine's clock to get the relay's.
    package var clockOffset: Int { lock.withLock { offset } }

    package func genesis() async throws(SyncError) -> PullPage {
        try PullPage(json: try await get("/v1/genesis", query: "", signed: false))
    }

    package func pull(after: Int, limit: Int, wait: Int) async throws(SyncError) -> PullPage {
        try PullPage(json: try await get("/v1/pull", query: "after=\(after)&limit=\(limit)&wait=\(wait)", signed: true))
    }

    /// The body of a push: `{"change_sets": [{"change_set", "signature"}, …]}`, canonical JSON.
    package static func pushBody(_ changeSets: [SignedChangeSet]) -> [UInt8] {
        (try? CanonicalJSON.encodeUnlimited(.object([JSONMember("change_sets", .array(changeSets.map(\.transport)))])))
            ?? []
    }

    package func push(_ changeSets: [SignedChangeSet]) async throws(SyncError) -> PushResult {
        let body = Self.pushBody(changeSets)
        var (status, answer, error) = try await send("/v1/push", query: "", signed: true, method: "POST", body: body)
        if status == 401, error.code == "auth.clock_skew" {
            (status, answer, error) = try await send("/v1/push", query: "", signed: true, method: "POST", body: body)
        }
        switch status {
        case 200, 400, 409, 413: return try PushResult(json: answer)
        case 401 where ["auth.unknown_key", "auth.revoked"].contains(error.code):
            throw SyncError(.notEnrolled, error.message)
        case 500...: throw SyncError(.unreachable, "the relay answered \(status): \(error.message)")
        default: throw SyncError(.badInput, "the relay refused the push: \(error.code) \(error.message)")
        }
    }

    private func get(_ path: String, query: String, signed: Bool) async throws(SyncError) -> [UInt8] {
        var (status, body, error) = try await send(path, query: query, signed: signed)
        if status == 401, error.code == "auth.clock_skew" {
            (status, body, error) = try await send(path, query: query, signed: signed)
        }
        switch status {
        case 200: return body
        case 401 where ["auth.unknown_key", "auth.revoked"].contains(error.code):
            throw SyncError(.notEnrolled, error.message)
        case 500...: throw SyncError(.unreachable, "the relay answered \(status): \(error.message)")
        default: throw SyncError(.badInput, "the relay refused the request: \(error.code) \(error.message)")
        }
    }

    private func send(_ path: String, query: String, signed: Bool, method: String = "GET", body: [UInt8] = [])
        async throws(SyncError) -> (Int, [UInt8], (code: String, message: String))
    {
        let url = URL(string: base.absoluteString.trimmingSuffix("/") + path + (query.isEmpty ? "" : "?" + query))!
        var request = URLRequest(url: url)
        request.httpMethod = method
        if !body.isEmpty { request.httpBody = Data(body) }
        if signed, let key {
            let now = UTCTime(seconds: UTCTime.now().seconds + clockOffset)
            for (name, value) in RequestSignature.sign(
                method: method, path: path, query: query, body: body, key: key, time: now)
            {
                request.setValue(value, forHTTPHeaderField: name)
            }
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await load(request)
        } catch {
            throw SyncError(
                .unreachable, "cannot reach the relay at \(base.absoluteString): \(error.localizedDescription)")
        }
        let http = response as? HTTPURLResponse
        if let date = http?.value(forHTTPHeaderField: "Date").flatMap(HTTPDate.parse) {
            let measured = date.seconds - UTCTime.now().seconds
            lock.withLock { offset = measured }
        }
        let body = Array(data)
        var error = (code: "", message: "")
        if let value = try? CanonicalJSON.decodeUnlimited(body), case .string(let code)? = value["error"]?["code"] {
            if case .string(let message)? = value["error"]?["message"] { error.message = message }
            error.code = code
        }
        return (http?.statusCode ?? 0, body, error)
    }

    /// One request through URLSession's completion-handler API, which a cancelled Swift task does not reach: on
    /// Linux, the async API's cancellation handler (cancelling the URLSession task while holding the Swift task's
    /// status lock) deadlocked against the request completing at that moment (resuming the Swift task, which takes
    /// that lock), and `node serve` never finished a graceful stop. A request in flight ends by itself, within the
    /// request timeout; `SyncClient` stops between pages once its task is cancelled.
    private func load(_ request: URLRequest) async throws -> (Data, URLResponse) {
        try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let data, let response {
                    continuation.resume(returning: (data, response))
                } else {
                    continuation.resume(throwing: error ?? URLError(.badServerResponse))
                }
            }.resume()
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
