package import Logging
import ServiceLifecycle
import Store
import Synchronization
import Wire

/// Background sync for `node serve`. After each sync it waits for work: a change in the outbox (writes from CLI
/// processes included, seen within a quarter of a second) or new entries at the relay (a long-polling pull), and
/// syncs again at once; with neither, it syncs every `idle` anyway. While the relay is unreachable it retries with
/// exponential backoff up to a minute. Stops on graceful shutdown (a pull in flight is left to end by itself).
package struct NodeSyncService: Service {
    package let folder: NodeFolder
    package let logger: Logger
    /// How long one long-polling pull waits at the relay (its limit is 60 s).
    package var longPoll = 25
    /// The longest wait between two syncs when nothing happens.
    package var idle = Duration.seconds(60)
    private let watch = RelayWatch()

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

    /// Returns at the deadline, when the outbox changes, or (given a key to long-poll with) when the relay has
    /// entries this replica has not applied.
    private func waitForWork(until deadline: ContinuousClock.Instant, store: ReplicaStore?, longPoll key: SigningKey?)
        async throws
    {
        let pending = { (try? store?.outboxCounts().pending) ?? 0 }
        let before = pending()
        watch.rearm()
        while ContinuousClock.now < deadline {
            if let key, let store { watch.startIfIdle { await hasEntries(store, key: key) } }
            try await Task.sleep(for: .milliseconds(250))
            if pending() != before || watch.takeEntries() { return }
        }
    }

    /// Long-polls the relay for the entry after this replica's position; nil when the poll failed.
    private func hasEntries(_ store: ReplicaStore, key: SigningKey) async -> Bool? {
        guard let applied = try? store.position().appliedSeq else { return nil }
        do throws(SyncError) {
            return try await folder.relayHasEntries(after: applied, wait: longPoll, key: key, store: store)
        } catch {
            return nil
        }
    }
}

/// One long-polling pull at a time, run as an unstructured task that is never cancelled: it ends by itself within
/// the poll's wait. (Cancelling URLSession's async request from a task group deadlocked the concurrency runtime on
/// Linux under load, so `node serve` does not.)
final class RelayWatch: Sendable {
    private struct State {
        var inFlight = false
        var sawEntries = false
        var failed = false
    }
    private let state = Mutex(State())

    /// Starts `poll` unless one is running or the last one failed (until `rearm`).
    func startIfIdle(_ poll: @escaping @Sendable () async -> Bool?) {
        let start = state.withLock { state in
            guard !state.inFlight, !state.failed, !state.sawEntries else { return false }
            state.inFlight = true
            return true
        }
        guard start else { return }
        Task {
            let result = await poll()
            state.withLock { state in
                state.inFlight = false
                state.sawEntries = state.sawEntries || result == true
                state.failed = result == nil
            }
        }
    }

    /// Whether a poll saw entries since the last call.
    func takeEntries() -> Bool {
        state.withLock { state in
            defer { state.sawEntries = false }
            return state.sawEntries
        }
    }

    /// After a sync: polls may run again.
    func rearm() { state.withLock { $0.failed = false } }
}
