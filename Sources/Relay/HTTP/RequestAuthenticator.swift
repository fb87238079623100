import GRDB
import HTTPTypes
import Hummingbird
import Store
import Wire

/// Checks signed requests in the order replication.md fixes: headers (`auth.missing`), signature
/// (`auth.bad_signature`), key unknown or revoked at the head, clock skew (with `server_time`), replayed nonce.
actor RequestAuthenticator {
    static let window = 300

    private let store: ReplicaStore
    private let clock: @Sendable () -> UTCTime
    /// Nonces seen within the window, with their request times.
    private var seen: [String: Int] = [:]
    /// When `seen` was last pruned.
    private var pruned = 0

    init(store: ReplicaStore, clock: @escaping @Sendable () -> UTCTime) {
        self.store = store
        self.clock = clock
    }

    /// The signer of an authentic, fresh request.
    func authenticate(_ request: Request, body: [UInt8]) throws(RelayError) -> PublicKey {
        let headers = request.headers
        guard let signed = RequestSignature(header: { name in HTTPField.Name(name).flatMap { headers[$0] } }) else {
            throw RelayError(
                "auth.missing", "a signed request needs the X-HutSync-Key, -Time, -Nonce and -Signature headers",
                status: 401)
        }
        guard
            signed.verify(
                method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "", body: body)
        else { throw RelayError("auth.bad_signature", "the request signature does not verify", status: 401) }
        let refusal: RelayError?
        do {
            refusal = try store.writer.read { db in try Door.keyRefusal(signed.publicKey.hex, db: db) }
        } catch {
            throw .unavailable("the relay could not read its key registry")
        }
        if let refusal { throw refusal }
        let now = clock()
        guard abs(signed.time.seconds - now.seconds) <= Self.window else {
            throw RelayError(
                "auth.clock_skew", "the request time is more than 5 minutes from the relay's clock", status: 401,
                extra: [JSONMember("server_time", .string(now.description))])
        }
        // Pruned every 10 s rather than on every request (each prune walks every nonce of the last 10 minutes). A
        // nonce kept a little longer changes nothing: its request is refused for clock skew before replay.
        if now.seconds - pruned >= 10 {
            seen = seen.filter { now.seconds - $0.value <= 2 * Self.window }
            pruned = now.seconds
        }
        guard seen[signed.nonce] == nil else {
            throw RelayError("auth.replay", "this request was already received", status: 401)
        }
        seen[signed.nonce] = signed.time.seconds
        return signed.publicKey
    }
}
