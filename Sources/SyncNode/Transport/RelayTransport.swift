package import Wire

/// How a node reaches its relay. The HTTP implementation talks to a real relay; the simulation will run the
/// sequencer in process behind the same interface.
package protocol RelayTransport: Sendable {
    /// `GET /v1/genesis`: entry 1 and the head (unsigned).
    func genesis() async throws(SyncError) -> PullPage
    /// `GET /v1/pull`: entries after `after` (signed).
    func pull(after: Int, limit: Int, wait: Int) async throws(SyncError) -> PullPage
    /// `POST /v1/push` (signed).
    func push(_ changeSets: [SignedChangeSet]) async throws(SyncError) -> PushResult
}

/// The relay's answer to a push: what it sequenced (or already had), its refusal if any, the next counter.
package struct PushResult: Sendable {
    package var acknowledged: [(id: [UInt8], seq: Int)] = []
    package var refusal: (index: Int, code: String, message: String)?
    package var nextCounter: Int?

    package init() {}

    /// Reads a push answer (200 or a refusal's status with the same body).
    package init(json bytes: [UInt8]) throws(SyncError) {
        guard let value = try? CanonicalJSON.decodeUnlimited(bytes) else {
            throw SyncError(.integrity, "the relay answered a malformed push result")
        }
        if case .array(let results)? = value["results"] {
            for result in results {
                guard case .string(let id)? = result["id"], let bytes = try? Hex.decode(id, byteCount: 32),
                    case .int(let seq)? = result["seq"]
                else { throw SyncError(.integrity, "the relay answered a malformed push result") }
                acknowledged.append((bytes, seq))
            }
        }
        if let refusal = value["refusal"], case .int(let index)? = refusal["index"],
            case .string(let code)? = refusal["code"]
        {
            var message = code
            if case .string(let text)? = refusal["message"] { message = text }
            self.refusal = (index, code, message)
        }
        if case .int(let counter)? = value["next_counter"] { nextCounter = counter }
    }
}

/// One entry as the relay serves it.
package struct PulledEntry: Sendable, Equatable {
    package var seq: Int
    package var relayTime: UTCTime
    package var changeSet: JSONValue
    /// The relay's outcome, canonical JSON.
    package var outcome: String
    package var digest: [UInt8]
    package var hash: [UInt8]

    package init(
        seq: Int, relayTime: UTCTime, changeSet: JSONValue, outcome: String, digest: [UInt8], hash: [UInt8]
    ) {
        self.seq = seq
        self.relayTime = relayTime
        self.changeSet = changeSet
        self.outcome = outcome
        self.digest = digest
        self.hash = hash
    }
}

/// A pull page: entries, the signed head, and the requester's next counter (signed pulls only).
package struct PullPage: Sendable, Equatable {
    package var entries: [PulledEntry]
    package var head: SignedHead
    package var nextCounter: Int?

    package init(entries: [PulledEntry], head: SignedHead, nextCounter: Int? = nil) {
        self.entries = entries
        self.head = head
        self.nextCounter = nextCounter
    }

    /// Reads a page (canonical JSON without change-set limits); anything malformed is an integrity failure. A page in
    /// the relay's own form is read straight from its bytes (``scan(_:)``), any other through the JSON tree.
    package init(json bytes: [UInt8]) throws(SyncError) {
        if let page = Self.scan(bytes) {
            self = page
            return
        }
        try self.init(general: bytes)
    }

    /// Reads any page through the JSON tree.
    package init(general bytes: [UInt8]) throws(SyncError) {
        do {
            let value = try CanonicalJSON.decodeUnlimited(bytes)
            guard case .array(let items)? = value["entries"], let head = value["head"] else { throw Self.malformed }
            entries = try items.map { item throws(SyncError) in try Self.entry(item) }
            self.head = try Self.head(head)
            if case .int(let counter)? = value["next_counter"] { nextCounter = counter }
        } catch let error as SyncError {
            throw error
        } catch {
            throw Self.malformed
        }
    }

    private static let malformed = SyncError(.integrity, "the relay answered a malformed pull page")

    private static func entry(_ item: JSONValue) throws(SyncError) -> PulledEntry {
        guard case .int(let seq)? = item["seq"], case .string(let time)? = item["time"], let relayTime = UTCTime(time),
            let changeSet = item["change_set"], let outcome = item["outcome"],
            case .string(let digest)? = item["digest"], case .string(let hash)? = item["hash"],
            let outcomeBytes = try? CanonicalJSON.encode(outcome),
            let digestBytes = try? Hex.decode(digest, byteCount: 32),
            let hashBytes = try? Hex.decode(hash, byteCount: 32)
        else { throw malformed }
        return PulledEntry(
            seq: seq, relayTime: relayTime, changeSet: changeSet,
            outcome: String(decoding: outcomeBytes, as: UTF8.self),
            digest: digestBytes, hash: hashBytes)
    }

    static func head(_ value: JSONValue) throws(SyncError) -> SignedHead {
        guard case .int(let seq)? = value["seq"], case .string(let hash)? = value["hash"],
            case .string(let digest)? = value["digest"], case .string(let signature)? = value["signature"],
            let hashBytes = try? Hex.decode(hash, byteCount: 32),
            let digestBytes = try? Hex.decode(digest, byteCount: 32),
            let signatureBytes = try? Hex.decode(signature, byteCount: 64)
        else { throw malformed }
        return SignedHead(seq: seq, hash: hashBytes, digest: digestBytes, signature: signatureBytes)
    }
}
