import Foundation
import Synchronization
import Testing

/// The seeded simulation of the whole network (docs/testing.md). `make test` runs a few hundred seeds; `make sim
/// SEEDS=N` runs N on a release build. `SIM_START=S SIM_SEEDS=1` replays seed S.
@Suite struct SimulationTests {
    @Test func everySeedConvergesAndLosesNothing() async throws {
        let environment = ProcessInfo.processInfo.environment
        let count = environment["SIM_SEEDS"].flatMap(Int.init) ?? 200
        let start = environment["SIM_START"].flatMap(UInt64.init) ?? 1
        var failed = 0
        for seed in start..<(start + UInt64(count)) {
            let failures = try await Simulation(seed: seed).run()
            guard !failures.isEmpty else { continue }
            failed += 1
            let replay = "SIM_START=\(seed) SIM_SEEDS=1 swift test --filter SimulationTests"
            let lines = failures.prefix(10).joined(separator: "\n  ")
            Issue.record(Comment(rawValue: "seed \(seed) failed — replay: \(replay)\n  \(lines)"))
        }
        let totals = Simulation.totals.withLock { $0 }
        print(
            "simulated: \(totals.written) local writes, \(totals.entries) entries sequenced, \(totals.rejected) rejected, "
                + "\(totals.conflicted) bookings conflicted")
        print(
            "simulated: \(totals.held) messages held in flight, \(totals.late) late arrivals, \(totals.overtaken) pushes "
                + "overtaken, \(totals.stale) stale pages, \(totals.overlapping) overlapping syncs of one node, "
                + "\(totals.killed) syncs killed by a crash, \(totals.interrupted) writes interrupted by a crash "
                + "(\(totals.committed) committed), \(totals.repeated) change sets pushed again once sequenced")
        print("simulation: \(count) seeds, \(failed) failures")
    }
}
