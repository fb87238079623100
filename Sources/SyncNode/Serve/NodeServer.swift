import Foundation
import HTTPTypes
package import Hummingbird
package import Logging
import NIOCore
import Store
import Wire

/// `node serve`: background sync and a small local JSON API (the dashboard will use it) over the same functions as
/// the command line. Loopback only by default.
package enum NodeServer {
    package static func build(
        folder: NodeFolder, host: String, port: Int, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("/status") { _, _ in answer { try folder.statusObject() } }
        router.get("/properties") { _, _ in
            answer {
                let (_, store) = try folder.open()
                return .object([
                    JSONMember(
                        "properties", .array(try folder.read { try store.localProperties(now: folder.now(store)) }))
                ])
            }
        }
        router.get("/availability") { request, _ in
            answer {
                let query = request.uri.queryParameters
                guard let property = query["property"].map(String.init).flatMap(UUIDText.normalise),
                    let date = query["date"].map(String.init).flatMap(CalendarDate.init)
                else { throw SyncError(.badInput, "property (an id) and date (YYYY-MM-DD) are required") }
                let days = query["days"].flatMap { Int(String($0)) } ?? 1
                guard (1...366).contains(days) else { throw SyncError(.badInput, "days must be 1 to 366") }
                return try folder.availabilityObject(propertyID: property, from: date, days: days)
            }
        }
        router.get("/bookings") { request, _ in
            answer {
                let query = request.uri.queryParameters
                let (key, store) = try folder.open()
                let now = folder.now(store)
                let records = try folder.read {
                    try store.localBookings(
                        propertyID: query["property"].map(String.init), status: query["status"].map(String.init),
                        from: query["from"].map(String.init), to: query["to"].map(String.init), now: now)
                }
                return .object([
                    JSONMember(
                        "bookings", .array(records.map { folder.bookingObject($0, store: store, key: key, now: now) }))
                ])
            }
        }
        router.get("/conflicts") { _, _ in answer { try folder.conflictsObject() } }
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "hutsync-node"),
            services: [NodeSyncService(folder: folder, logger: logger)],
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    /// A JSON answer, or a 400 with `{"error": {"code", "message"}}` for a refusal.
    static func answer(_ body: () throws -> JSONValue) -> Response {
        let (status, value): (HTTPResponse.Status, JSONValue)
        do {
            (status, value) = (.ok, try body())
        } catch let error as SyncError {
            (status, value) = (
                error.kind == .badInput ? .badRequest : .internalServerError,
                errorBody("node.\(error.kind)", error.message)
            )
        } catch {
            (status, value) = (.internalServerError, errorBody("node.internal", "internal error"))
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let bytes = (try? CanonicalJSON.encodeUnlimited(value)) ?? Array("{}".utf8)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func errorBody(_ code: String, _ message: String) -> JSONValue {
        .object([
            JSONMember("error", .object([JSONMember("code", .string(code)), JSONMember("message", .string(message))]))
        ])
    }
}
