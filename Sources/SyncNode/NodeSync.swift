package import Store
package import Wire

/// `node sync`: push the outbox, pull and verify to the head, settle the outbox; when the log has given this key's
/// counters to other change sets (a restored backup, or the key in use elsewhere), re-sign the pending ones with
/// fresh counters, say so, and push again.
package struct NodeSync: Sendable {
    package let store: ReplicaStore
    package let key: SigningKey
    package let transport: any RelayTransport

    package init(store: ReplicaStore, key: SigningKey, transport: any RelayTransport) {
        self.store = store
        self.key = key
        self.transport = transport
    }

    package struct Result: Sendable {
        package var pushed = 0
        package var pulled = 0
        package var resigned = 0
        package var head: SignedHead?
        package var nextCounter: Int?
    }

    package func run(
        now: @Sendable () -> UTCTime = { UTCTime.now() }, progress: (Int, Int) -> Void = { _, _ in }
    ) async throws(SyncError) -> Result {
        let client = SyncClient(store: store, transport: transport)
        var result = Result()
        var refusal: (code: String, error: SyncError)?
        for round in 0..<2 {
            let pushed = try await client.pushOutbox()
            result.pushed += pushed.pushed
            refusal = pushed.refusal
            // A key the relay no longer accepts cannot pull; a relay whose history differs must not be pulled from.
            if let refusal, [.notEnrolled, .integrity].contains(refusal.error.kind) { throw refusal.error }
            let report = try await client.catchUp(progress: progress)
            result.pulled += report.pulled
            result.head = report.head ?? result.head
            result.nextCounter = report.nextCounter ?? result.nextCounter
            try settle()
            guard round == 0, refusal?.code == "counter.reused" else { break }
            do { result.resigned = try store.renumberPending(key: key, now: now()) } catch {
                throw SyncError(.badInput, "cannot re-sign the outbox: \(error)")
            }
            if result.resigned == 0 { break }
        }
        if let refusal { throw refusal.error }
        return result
    }

    private func settle() throws(SyncError) {
        do { try store.settleOutbox() } catch {
            throw SyncError(.badInput, "cannot settle the outbox: \(error)")
        }
    }
}
