import Foundation
import Relay
import Store
import SyncNode
import Wire

#if canImport(Glibc)
    import Glibc
#endif

/// One benchmark measure: its JSON keys and how to take them. A new measure is one new file conforming to this and
/// one line in ``BenchCommand/measures``.
protocol BenchMeasure: Sendable {
    /// A short title for the progress line and the table.
    var title: String { get }
    /// Runs the measure and returns its figures, keyed as `--json` prints them.
    func run(_ bench: Bench) async throws -> [(key: String, value: Double)]
}

extension BenchMeasure {
    /// The measure's name for `--only`: the title's first word, lower-cased (`p1` … `p5`).
    var key: String { String(title.prefix { $0 != " " }).lowercased() }
}

/// How big a run is: `--quick` for a smoke run, the default for the published figures.
struct BenchScale: Sendable {
    var properties: Int
    var bookings: Int
    var localBookings: Int
    var ingestChangeSets: Int
    var offlineChanges: Int
    var queries: Int

    static let full = BenchScale(
        properties: 1000, bookings: 200_000, localBookings: 1000, ingestChangeSets: 100_000, offlineChanges: 1000,
        queries: 20_000)
    static let quick = BenchScale(
        properties: 40, bookings: 2000, localBookings: 50, ingestChangeSets: 2000, offlineChanges: 40, queries: 500)
}

/// What every measure shares: the scale, a temporary folder, the progress line, and the relay network the log
/// measures (P3, P4, P5, P7) build on.
final class Bench: @unchecked Sendable {
    // Used from the bench's one task at a time.
    let scale: BenchScale
    let folder: String
    let progress: ProgressLine
    private var rig: RelayRig?

    init(scale: BenchScale, progress: ProgressLine) throws {
        self.scale = scale
        self.progress = progress
        folder = NSTemporaryDirectory() + "hutsync-bench-" + UUIDText.random()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// The relay network, built on first use.
    func relayRig() async throws -> RelayRig {
        if let rig { return rig }
        let made = try await RelayRig.make(self)
        rig = made
        return made
    }

    func path(_ name: String) -> String { folder + "/" + name }

    /// Stops the relay and removes the folder (kept, and its path printed, with `HUTSYNC_BENCH_KEEP=1`, for
    /// profiling a step by hand).
    func finish() {
        rig?.stop()
        if ProcessInfo.processInfo.environment["HUTSYNC_BENCH_KEEP"] == "1" {
            writeStandardError("bench folder kept: \(folder)\n")
        } else {
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// Shows `text` on the progress line (on a terminal only).
    func step(_ text: String) { progress.update(text) }
}

/// Timing helpers.
enum Timing {
    /// Seconds taken by `body`.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        return (ContinuousClock.now - start).seconds
    }

    static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        let start = ContinuousClock.now
        try await body()
        return (ContinuousClock.now - start).seconds
    }

    /// The `fraction` percentile of `samples` (nearest rank).
    static func percentile(_ samples: [Double], _ fraction: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// Child processes of this same executable.
enum SelfProcess {
    /// This executable's path.
    static var executable: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return count > 0
            ? String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            : CommandLine.arguments[0]
    }

    /// Runs `hutsync arguments` to completion; its exit status, wall time, CPU time (user + system, every thread)
    /// and peak resident memory in MiB: the child's `VmHWM`, read from `/proc` every 10 ms while it runs. (Not
    /// `ru_maxrss`: posix_spawn's child starts in the parent's address space, and Linux carries that high-water mark
    /// over the exec — it reported the bench's own memory.)
    static func run(_ arguments: [String]) async throws -> (
        status: Int32, seconds: Double, cpuSeconds: Double, peakMiB: Double
    ) {
        try await Task.detached {
            var pid: pid_t = 0
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let argv = ([executable] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            let start = ContinuousClock.now
            guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else {
                throw BenchError("cannot start \(executable)")
            }
            var status: Int32 = 0
            var peakKiB = 0
            var usage = rusage()
            while true {
                peakKiB = max(peakKiB, highWaterKiB(pid))
                let done = wait4(pid, &status, WNOHANG, &usage)
                if done == pid || (done < 0 && errno != EINTR) { break }
                usleep(10_000)
            }
            let seconds = (ContinuousClock.now - start).seconds
            let cpu =
                Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
            return ((status >> 8) & 0xff, seconds, cpu, Double(peakKiB) / 1024)
        }.value
    }
}

/// `VmHWM` of a live process, in KiB (0 once it is gone).
private func highWaterKiB(_ pid: pid_t) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
    return 0
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
