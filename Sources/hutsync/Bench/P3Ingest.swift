import Dispatch
import Foundation
import SyncNode
import Wire

#if canImport(Glibc)
    import Glibc
#endif

/// P3: relay ingest over loopback HTTP — four concurrent pushers, four authors, 100 pre-signed `booking.create`
/// change sets per push, durable; baseline: libsodium verification alone on one core.
///
/// The pushers run in this process, on the relay's cores: each is a thread with one keep-alive connection
/// (``BenchHTTPClient``), and the push bodies are encoded before the clock starts, as the change sets were signed.
/// Each request is still signed when it is sent. Besides the rate, P3 reports the CPU time per change set of the
/// relay process and of this one (the pushers) while pushing.
struct P3Ingest: BenchMeasure {
    let title = "P3 relay ingest"

    func run(_ bench: Bench) async throws -> [(key: String, value: Double)] {
        let rig = try await bench.relayRig()
        let total = rig.pushers.reduce(0) { $0 + $1.changeSets.count }
        bench.step("P3: encoding \(total) change sets in pushes of 100")
        let pushes = rig.pushers.map { pusher in
            stride(from: 0, to: pusher.changeSets.count, by: 100).map { start in
                let chunk = pusher.changeSets[start..<min(start + 100, pusher.changeSets.count)]
                return (body: HTTPRelayTransport.pushBody(Array(chunk)), count: chunk.count)
            }
        }
        bench.step("P3: 4 pushers, \(total) change sets in pushes of 100")
        let url = rig.url
        let relayCPU = CPUTime.process(rig.relay.processIdentifier)
        let ownCPU = CPUTime.ownProcess()
        let seconds = try await Timing.seconds {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (pusher, bodies) in zip(rig.pushers, pushes) {
                    group.addTask {
                        try await onThread {
                            let client = try BenchHTTPClient(url: url, key: pusher.key)
                            for push in bodies {
                                let result = try client.push(body: push.body)
                                guard result.refusal == nil, result.acknowledged.count == push.count else {
                                    throw BenchError("P3: the relay refused a push: \(result.refusal?.code ?? "")")
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let relayMicros = (CPUTime.process(rig.relay.processIdentifier) - relayCPU) * 1e6 / Double(total)
        let pushersMicros = (CPUTime.ownProcess() - ownCPU) * 1e6 / Double(total)
        bench.step("P3: the baseline, libsodium verification on one core")
        let sample = Array(rig.pushers.flatMap(\.changeSets).prefix(20_000))
        let verify = Timing.seconds {
            for changeSet in sample where !changeSet.verify() { preconditionFailure("a bad signature") }
        }
        return [
            ("p3_ingest_per_s", Double(total) / seconds), ("p3_verify_per_s", Double(sample.count) / verify),
            ("p3_relay_cpu_us", relayMicros), ("p3_pushers_cpu_us", pushersMicros),
        ]
    }
}

/// Runs blocking `body` on a thread of its own (not one of the few the async tasks share).
private func onThread(_ body: @escaping @Sendable () throws -> Void) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        Thread {
            do {
                try body()
                continuation.resume()
            } catch {
                continuation.resume(throwing: error)
            }
        }.start()
    }
}

/// CPU time (user + system), in seconds.
enum CPUTime {
    /// This process's, every thread included.
    static func ownProcess() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// A child's, from `/proc/PID/stat` (`utime` and `stime`, fields 14 and 15, in clock ticks); 0 once it is gone.
    static func process(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        // Fields after the command name (which may hold spaces) start at field 3.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
