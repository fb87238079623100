package import Logging
import ServiceLifecycle
import Store
import Wire

/// Background sync for `node serve`. After each sync it waits for work: a change in the outbox (writes from CLI
/// processes included, seen within a quarter of a second) or new entries at the relay (a long-polling pull), and
/// syncs again at once; with neither, it syncs every `idle` anyway. While the relay is unreachable it retries with
/// exponential backoff up to a minute. Stops on graceful shutdown, cancelling a pull in flight.
package struct NodeSyncService: Service {
    package let folder: NodeFolder
    package let logger: Logger
    /// How long one long-polling pull waits at the relay (its limit is 60 s).
    package var longPoll = 25
    /// The longest wait between two syncs when nothing happens.
    package var idle = Duration.seconds(60)

    package init(folder: NodeFolder, logger: Logger) {
        self.folder = folder
        self.logger = logger
    }

    package func run() async throws {
        // Graceful shutdown cancels the loop: that is a normal end, not an error.
        do { try await loop() } catch is CancellationError {}
    }

    private func loop() async throws {
        // Opened once: the outbox is watched four times a second.
        let opened = try? folder.open()
        let store = opened?.store
        try await cancelWhenGracefulShutdown {
            var delay = Duration.seconds(2)
            while !Task.isCancelled {
                var reachable = false
                do throws(SyncError) {
                    let result = try await folder.syncOnce()
                    if result.pushed + result.pulled > 0 {
                        logger.debug(
                            "synced", metadata: ["sync.pushed": "\(result.pushed)", "sync.pulled": "\(result.pulled)"])
                    }
                    reachable = true
                    delay = .seconds(2)
                } catch  where error.kind == .unreachable {
                    delay = min(delay * 2, .seconds(60))
                    logger.debug("relay unreachable", metadata: ["sync.retry_in": "\(delay)"])
                } catch {
                    delay = .seconds(30)
                    logger.warning("sync stopped", metadata: ["sync.error": "\(error.message)"])
                }
                try await waitForWork(
                    until: ContinuousClock.now + (reachable ? idle : delay), store: store,
                    longPoll: reachable ? opened?.key : nil)
            }
        }
    }

    /// Returns at the deadline, when the outbox changes, or (given a key to long-poll with) when the relay has entries this
    /// replica has not applied.
    private func waitForWork(until deadline: ContinuousClock.Instant, store: ReplicaStore?, longPoll key: SigningKey?)
        async throws
    {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await watchOutbox(store, until: deadline) }
            if let key, let store {
                group.addTask { try await waitForEntries(store, key: key, until: deadline) }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func watchOutbox(_ store: ReplicaStore?, until deadline: ContinuousClock.Instant) async throws {
        let pending = { (try? store?.outboxCounts().pending) ?? 0 }
        let before = pending()
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            if pending() != before { return }
        }
    }

    /// Long-polls the relay for the entry after this replica's position; a failed poll waits out the deadline (the
    /// main loop notices an unreachable relay on its next sync).
    private func waitForEntries(_ store: ReplicaStore, key: SigningKey, until deadline: ContinuousClock.Instant)
        async throws
    {
        while ContinuousClock.now < deadline {
            guard let applied = try? store.position().appliedSeq else { break }
            do throws(SyncError) {
                if try await folder.relayHasEntries(after: applied, wait: longPoll, key: key, store: store) { return }
            } catch {
                break
            }
            try Task.checkCancellation()
        }
        try await Task.sleep(until: deadline)
    }
}
