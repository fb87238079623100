import Dispatch
import Foundation
import SyncNode
import Wire

/// P3: relay ingest over loopback HTTP — four concurrent pushers, four authors, 100 pre-signed `booking.create`
/// change sets per push, durable; baseline: libsodium verification alone on one core.
struct P3Ingest: BenchMeasure {
    let title = "P3 relay ingest"

    func run(_ bench: Bench) async throws -> [(key: String, value: Double)] {
        let rig = try await bench.relayRig()
        let total = rig.pushers.reduce(0) { $0 + $1.changeSets.count }
        bench.step("P3: 4 pushers, \(total) change sets in pushes of 100")
        let url = rig.url
        let seconds = try await Timing.seconds {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for pusher in rig.pushers {
                    group.addTask {
                        let transport = HTTPRelayTransport(base: url, key: pusher.key)
                        for start in stride(from: 0, to: pusher.changeSets.count, by: 100) {
                            let chunk = Array(pusher.changeSets[start..<min(start + 100, pusher.changeSets.count)])
                            let result = try await transport.push(chunk)
                            guard result.refusal == nil, result.acknowledged.count == chunk.count else {
                                throw BenchError("P3: the relay refused a push: \(result.refusal?.code ?? "")")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        bench.step("P3: the baseline, libsodium verification on one core")
        let sample = Array(rig.pushers.flatMap(\.changeSets).prefix(20_000))
        let verify = Timing.seconds {
            for changeSet in sample where !changeSet.verify() { preconditionFailure("a bad signature") }
        }
        return [("p3_ingest_per_s", Double(total) / seconds), ("p3_verify_per_s", Double(sample.count) / verify)]
    }
}
