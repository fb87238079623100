package import Logging
import ServiceLifecycle
import Store
import Wire

/// Background sync for `node serve`: syncs every two seconds, at once when the outbox changes (writes from CLI
/// processes included), and backs off up to a minute while the relay is unreachable. Stops on graceful shutdown.
package struct NodeSyncService: Service {
    package let folder: NodeFolder
    package let logger: Logger

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
        let store = try? folder.open().store
        try await cancelWhenGracefulShutdown {
            var delay = Duration.seconds(2)
            while !Task.isCancelled {
                do throws(SyncError) {
                    let result = try await folder.syncOnce()
                    if result.pushed + result.pulled > 0 {
                        logger.debug(
                            "synced", metadata: ["sync.pushed": "\(result.pushed)", "sync.pulled": "\(result.pulled)"])
                    }
                    delay = .seconds(2)
                } catch  where error.kind == .unreachable {
                    delay = min(delay * 2, .seconds(60))
                    logger.debug("relay unreachable", metadata: ["sync.retry_in": "\(delay)"])
                } catch {
                    delay = .seconds(30)
                    logger.warning("sync stopped", metadata: ["sync.error": "\(error.message)"])
                }
                try await waitForWorkOrTimeout(delay, store: store)
            }
        }
    }

    /// Sleeps `delay`, waking early when the outbox changes.
    private func waitForWorkOrTimeout(_ delay: Duration, store: ReplicaStore?) async throws {
        let pending = { (try? store?.outboxCounts().pending) ?? 0 }
        let before = pending()
        let deadline = ContinuousClock.now + delay
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            if pending() != before { return }
        }
    }
}
