import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore
import Wire

/// JSON answers, and the one place where relay errors become HTTP statuses.
enum JSONResponse {
    static func ok(_ value: JSONValue, status: HTTPResponse.Status = .ok, gzip: Bool = false) -> Response {
        ok(bytes: (try? CanonicalJSON.encodeUnlimited(value)) ?? Array(#"{}"#.utf8), status: status, gzip: gzip)
    }

    /// An answer whose JSON is already written.
    static func ok(bytes: [UInt8], status: HTTPResponse.Status = .ok, gzip: Bool = false) -> Response {
        var bytes = bytes
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if gzip, let compressed = Gzip.compress(bytes) {
            bytes = compressed
            headers[.contentEncoding] = "gzip"
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Whether the client accepts gzip (`Accept-Encoding` names it without `q=0`).
    static func acceptsGzip(_ request: Request) -> Bool {
        guard let accepted = request.headers[.acceptEncoding]?.lowercased() else { return false }
        return accepted.split(separator: ",").contains { part in
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            return fields.first == "gzip" && !fields.contains("q=0")
        }
    }

    static func error(_ error: RelayError) -> Response {
        ok(error.body, status: HTTPResponse.Status(code: error.status))
    }
}

/// Adds `Date` to every answer (clients correct their clocks by it) and turns thrown errors into JSON: a
/// `RelayError` with its status, a Hummingbird `HTTPError` (unknown route, bad method) with its status, and anything
/// else into a 500 that leaks nothing.
struct RelayMiddleware<Context: RequestContext>: RouterMiddleware {
    let clock: @Sendable () -> UTCTime
    let metrics: RelayMetrics?
    static var routes: Set<String> { ["/healthz", "/metrics", "/v1/genesis", "/v1/head", "/v1/push", "/v1/pull"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as RelayError {
            context.logger.debug(
                "request refused",
                metadata: ["relay.error.code": "\(error.code)", "http.route": "\(request.uri.path)"])
            response = JSONResponse.error(error)
        } catch let error as HTTPError {
            response = JSONResponse.error(
                RelayError("http.\(error.status.code)", error.status.reasonPhrase, status: error.status.code))
        } catch {
            context.logger.error("request failed", metadata: ["error.type": "\(type(of: error))"])
            response = JSONResponse.error(RelayError("relay.internal", "internal error", status: 500))
        }
        response.headers[.date] = HTTPDate.format(clock())
        if let metrics {
            let route = Self.routes.contains(request.uri.path) ? request.uri.path : "other"
            metrics.requestTimer(route: route, status: response.status.code).record(
                duration: ContinuousClock.now - started)
        }
        return response
    }
}
