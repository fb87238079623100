package import Wire

/// A refusal the relay answers with a 4xx (or a 5xx for its own failures): a stable code, a message, the HTTP status
/// and extra members for the error body (`revoked_at_seq`, `server_time`, …). Domain codes become statuses here, in one
/// place.
package struct RelayError: Error, Sendable {
    package var code: String
    package var message: String
    package var status: Int
    package var extra: [JSONMember] = []

    package init(_ code: String, _ message: String, status: Int, extra: [JSONMember] = []) {
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra
    }

    /// A decoder error: 413 for size, otherwise 400.
    package init(_ error: WireError) {
        let status = error.code == .tooLarge ? 413 : 400
        self.init(error.code.rawValue, error.message, status: status)
    }

    /// `{"error": {"code", "message", …extra}}`.
    package var body: JSONValue {
        .object([
            JSONMember(
                "error", .object([JSONMember("code", .string(code)), JSONMember("message", .string(message))] + extra))
        ])
    }

    package static func unavailable(_ message: String) -> RelayError {
        RelayError("relay.unavailable", message, status: 503)
    }
}
