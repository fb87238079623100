import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `hutsync bench [--json] [--quick]`: each measure on temporary folders with the production durability settings,
/// each beside a baseline measured in the same run; a table at the end (or one JSON object).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure availability, local writes, relay ingest, catch-up and reconciliation against baselines.",
        discussion: "Build with `swift build -c release` first (or `make bench`): a debug build is many times slower.")

    /// Every measure, in the order they run (the log measures share one relay: P3 feeds P4 and P5).
    static let measures: [any BenchMeasure] = [
        P1Availability(), P2LocalBookings(), P3Ingest(), P4CatchUp(), P5Reconcile(),
    ]

    @Flag(help: "Print exactly one JSON object on stdout.") var json = false
    @Flag(help: "A small smoke run (seconds, not minutes): the figures mean little.") var quick = false
    @Option(
        name: .customLong("only"), parsing: .upToNextOption,
        help: "Run only these measures, e.g. `--only p2 p4` (P7 is measured with P4).")
    var only: [String] = []

    func validate() throws {
        let known = Set(Self.measures.map(\.key))
        for name in only where !known.contains(name.lowercased()) {
            throw ValidationError("unknown measure '\(name)' (known: \(known.sorted().joined(separator: ", ")))")
        }
    }

    func run() async throws {
        let progress = ProgressLine(enabled: isatty(STDERR_FILENO) == 1, start: 0)
        let bench = try Bench(scale: quick ? .quick : .full, progress: progress)
        defer { bench.finish() }
        var figures: [(key: String, value: Double)] = [
            ("quick", quick ? 1 : 0), ("cores", Double(ProcessInfo.processInfo.activeProcessorCount)),
        ]
        let start = ContinuousClock.now
        let selected = Set(only.map { $0.lowercased() })
        for measure in Self.measures where selected.isEmpty || selected.contains(measure.key) {
            bench.step(measure.title)
            do {
                figures += try await measure.run(bench)
            } catch {
                progress.finish()
                writeStandardError("hutsync: \(measure.title) failed: \(error)\n")
                throw ExitCode(1)
            }
        }
        figures.append(("total_s", (ContinuousClock.now - start).seconds))
        progress.update("")
        progress.finish()
        if json {
            print(Self.jsonObject(figures))
        } else {
            print(Self.table(figures))
        }
    }

    /// One JSON object, keys in the order measured; whole figures as integers, others with three decimals.
    static func jsonObject(_ figures: [(key: String, value: Double)]) -> String {
        let members = figures.map { key, value in
            let number =
                value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.3f", value)
            return "\"\(key)\":\(number)"
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    static let goals: [(measure: String, key: String, baseline: String?, goal: String)] = [
        ("P1 availability p99 µs", "p1_availability_p99_us", "p1_baseline_p99_us", "≤ 3× baseline"),
        ("P2 bookings/s", "p2_bookings_per_s", "p2_baseline_per_s", "≥ 0.5× baseline"),
        ("P3 ingest/s", "p3_ingest_per_s", "p3_verify_per_s", "≥ 0.5× baseline"),
        ("  relay CPU µs/cs", "p3_relay_cpu_us", nil, "(user + system)"),
        ("  pushers CPU µs/cs", "p3_pushers_cpu_us", nil, "(the bench's own)"),
        ("P4 catch-up entries/s", "p4_catchup_entries_per_s", nil, "≥ 20,000/s"),
        ("  node CPU µs/entry", "p4_node_cpu_us", nil, "(user + system)"),
        ("  relay CPU µs/entry", "p4_relay_cpu_us", nil, "(while it served)"),
        ("P5 reconcile s", "p5_reconcile_s", nil, "< 10 s"),
        ("P7 node peak RSS MiB", "p7_node_rss_mib", nil, "< 80 MiB"),
    ]

    static func table(_ figures: [(key: String, value: Double)]) -> String {
        let values = Dictionary(figures.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        var lines = [
            "measure                  value          baseline       ratio    goal", String(repeating: "-", count: 78),
        ]
        for row in goals {
            guard let value = values[row.key] else { continue }  // not run (`--only`)
            let baseline = row.baseline.flatMap { values[$0] }
            let ratio = baseline.map { $0 > 0 ? String(format: "%.2f", value / $0) : "-" } ?? ""
            lines.append(
                row.measure.padding(toLength: 25, withPad: " ", startingAt: 0)
                    + String(format: "%-15.1f", value)
                    + (baseline.map { String(format: "%-15.1f", $0) }
                        ?? String(
                            repeating: " ", count: 15)) + ratio.padding(toLength: 9, withPad: " ", startingAt: 0)
                    + row.goal)
        }
        lines.append(String(format: "total %.0f s on %d cores", values["total_s"] ?? 0, Int(values["cores"] ?? 0)))
        return lines.joined(separator: "\n")
    }
}
