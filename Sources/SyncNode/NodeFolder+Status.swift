import Foundation
package import Store
package import Wire

extension NodeFolder {
    /// `node status` (never needs the relay).
    package func statusObject() throws(SyncError) -> JSONValue {
        let (key, store) = try open()
        return try read {
            let position = try store.position()
            let enrolment = try store.enrolment(of: key.publicKey)
            func meta(_ name: String) throws -> JSONValue { try store.meta(name).map { .string($0) } ?? .null }
            func number(_ name: String) throws -> JSONValue {
                try store.meta(name).flatMap(Int.init).map { .int($0) } ?? .null
            }
            let reachable: JSONValue = try store.meta("relay_reachable").map { .bool($0 == "true") } ?? .null
            let counts = try store.outboxCounts()
            return .object([
                JSONMember("public_key", .string(key.publicKey.hex)),
                JSONMember("role", enrolment.map { $0.revoked ? .null : .string($0.role) } ?? .null),
                JSONMember("owner_id", enrolment?.ownerID.map { .string($0) } ?? .null),
                JSONMember("applied_seq", .int(position.appliedSeq)),
                JSONMember("relay_head_seq", try number("relay_head_seq")), JSONMember("relay_reachable", reachable),
                JSONMember("pending", .int(counts.pending)), JSONMember("refused", .int(counts.refused)),
                JSONMember("conflicts", .int(try store.conflictCount(for: key.publicKey))),
                JSONMember("digest", .string(Hex.encode(position.digest))),
                JSONMember("last_sync_at", try meta("last_sync_at")),
                JSONMember("clock_offset_s", try number("clock_offset_s")),
            ])
        }
    }

    /// One sync as `node sync` and `node serve` run it, recording where the node stands.
    package func syncOnce(progress: (Int, Int) -> Void = { _, _ in }) async throws(SyncError) -> NodeSync.Result {
        let (key, store) = try open()
        let transport = try transport(key: key, store: store)
        do {
            let result = try await NodeSync(store: store, key: key, transport: transport).run(progress: progress)
            try? store.setMeta([
                "relay_reachable": "true", "last_sync_at": UTCTime.now().description,
                "clock_offset_s": String(transport.clockOffset), "relay_head_seq": String(result.head?.seq ?? 0),
                "next_counter": result.nextCounter.map(String.init) ?? "",
            ])
            return result
        } catch {
            try? store.setMeta(["relay_reachable": error.kind == .unreachable ? "false" : "true"])
            throw error
        }
    }

    /// A long-polling pull for one entry after `applied`: true once the relay has it, false when `wait` seconds pass
    /// without one. The entry is not applied here; the next sync verifies and applies it with the rest.
    package func relayHasEntries(after applied: Int, wait: Int, key: SigningKey, store: ReplicaStore)
        async throws(SyncError) -> Bool
    {
        let page = try await transport(key: key, store: store).pull(after: applied, limit: 1, wait: wait)
        return !page.entries.isEmpty || page.head.seq > applied
    }

    private func transport(key: SigningKey, store: ReplicaStore) throws(SyncError) -> HTTPRelayTransport {
        guard let text = try? store.meta("relay_url"), let url = URL(string: text) else {
            throw SyncError(.badInput, "this node has no relay URL: re-create it with `hutsync node init`")
        }
        let offset = (try? store.clockOffset()) ?? 0
        return HTTPRelayTransport(base: url, key: key, clockOffset: offset)
    }
}
