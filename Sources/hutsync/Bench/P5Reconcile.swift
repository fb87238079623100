import Foundation
import Store
import SyncNode
import Wire

/// P5: a node that was offline with local changes while the relay advanced (by P3's pushes): one sync until it has
/// pushed its outbox, pulled everything and reached the relay's digest.
struct P5Reconcile: BenchMeasure {
    let title = "P5 reconcile"

    func run(_ bench: Bench) async throws -> [(key: String, value: Double)] {
        let rig = try await bench.relayRig()
        let node = rig.offlineNode
        let store = try node.open().store
        let pending = try store.outboxCounts().pending
        let behind =
            try await HTTPRelayTransport(base: rig.url, key: nil).genesis().head.seq
            - store.position()
            .appliedSeq
        bench.step("P5: \(pending) local changes, \(behind) entries behind: syncing")
        var result: NodeSync.Result?
        let seconds = try await Timing.seconds { result = try await node.syncOnce() }
        let position = try store.position()
        guard let head = result?.head, head.seq == position.appliedSeq, head.digest == position.digest,
            try store.outboxCounts().pending == 0
        else { throw BenchError("P5: the node did not converge") }
        return [
            ("p5_reconcile_s", seconds), ("p5_local_changes", Double(pending)), ("p5_entries_behind", Double(behind)),
        ]
    }
}
