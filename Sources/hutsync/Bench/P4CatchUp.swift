import Foundation
import SyncNode
import Wire

/// P4 and P7: a fresh node process (`hutsync node init --key`, which pulls to the head) pulling, verifying and
/// applying the whole log from the live relay; its entries per second and its peak resident memory. Also the CPU time
/// (user + system) per entry of the node process and of the relay while it served the catch-up.
struct P4CatchUp: BenchMeasure {
    let title = "P4 catch-up, P7 node memory"

    func run(_ bench: Bench) async throws -> [(key: String, value: Double)] {
        let rig = try await bench.relayRig()
        let head = try await HTTPRelayTransport(base: rig.url, key: nil).genesis().head.seq
        bench.step("P4: a fresh node process pulls \(head) entries")
        let relayCPU = CPUTime.process(rig.relay.processIdentifier)
        let (status, seconds, nodeCPU, peak) = try await SelfProcess.run([
            "node", "init", "--data", bench.path("p4"), "--relay", rig.url.absoluteString, "--key",
            rig.pushers[0].keyFile,
        ])
        guard status == 0 else { throw BenchError("P4: node init exited \(status)") }
        let entries = Double(head - 1)
        return [
            ("p4_catchup_entries_per_s", entries / seconds), ("p4_entries", entries),
            ("p4_node_cpu_us", nodeCPU * 1e6 / entries),
            ("p4_relay_cpu_us", (CPUTime.process(rig.relay.processIdentifier) - relayCPU) * 1e6 / entries),
            ("p7_node_rss_mib", peak),
        ]
    }
}
