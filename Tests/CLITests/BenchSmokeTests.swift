import Foundation
import Testing

/// `hutsync bench --quick --json` runs every measure and prints every key the benchmark issue names. No timing is
/// asserted (the figures of a debug build on a shared machine mean nothing); `make bench` gives the real ones.
@Suite struct BenchSmokeTests {
    @Test func theQuickBenchRunsAndEmitsEveryKey() async throws {
        let result = try await CLI.runOffPool(["bench", "--quick", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let figures = try #require(CLI.json(result.stdout), "\(result.stdout)")
        for key in [
            "p1_availability_p99_us", "p1_baseline_p99_us", "p2_bookings_per_s", "p2_baseline_per_s", "p3_ingest_per_s",
            "p3_verify_per_s", "p4_catchup_entries_per_s", "p4_node_cpu_us", "p5_reconcile_s", "p7_node_rss_mib",
        ] {
            let value = (figures[key] as? NSNumber)?.doubleValue
            #expect(value.map { $0 > 0 } == true, "\(key) missing or not positive: \(String(describing: figures[key]))")
        }
        // P4 pulled the whole log, P5 converged with its local changes.
        #expect(((figures["p4_entries"] as? NSNumber)?.doubleValue ?? 0) >= 2000)
        #expect(((figures["p4_relay_cpu_us"] as? NSNumber)?.doubleValue ?? -1) >= 0)
        #expect((figures["p5_local_changes"] as? NSNumber)?.doubleValue == 40)
    }
}
