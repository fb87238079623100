import Foundation
import TestSupport
import Wire

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The schedule of a kill test: a seed from `$KILL_SEED` (else a fresh one, printed with the command that replays
/// it), and the random moments and choices drawn from it.
struct KillSchedule {
    let seed: UInt64
    private var random: SeededRandom

    init(_ label: String, test: String = #function) {
        let given = ProcessInfo.processInfo.environment["KILL_SEED"].flatMap { UInt64($0) }
        seed = given ?? UInt64.random(in: 1...999_999_999)
        random = SeededRandom(seed: seed)
        let name = test.split(separator: "(").first.map(String.init) ?? test
        print(
            "\(label): KILL_SEED=\(seed) (replay: KILL_SEED=\(seed) swift test --disable-xctest --filter KillTests/\(name))"
        )
    }

    /// A moment to kill at: at once (2 in 10), within the first 30 ms (2 in 10), or anywhere in `window`.
    mutating func moment(within window: Duration) -> Duration {
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<2: return .zero
        case 2..<4: return .microseconds(Int.random(in: 500...30_000, using: &random))
        default: return window * Double.random(in: 0.05...1.0, using: &random)
        }
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    mutating func next() -> UInt64 { random.next() }

    /// A signing key drawn from the seed.
    mutating func key() throws -> SigningKey {
        try SigningKey(seed: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
    }
}

/// One author of the relay kill test: its change sets, each signed once (a re-push is byte-identical), and the first
/// counter the relay has not acknowledged.
actor PushingAuthor {
    nonisolated let key: SigningKey
    private(set) var signed: [SignedChangeSet] = []
    private var next = 1

    init(key: SigningKey) { self.key = key }

    /// `count` change sets from the first unacknowledged counter, signing the ones not made yet.
    private func batch(_ count: Int) throws -> [SignedChangeSet] {
        while signed.count < next - 1 + count { signed.append(try RelayLiveTests.filler(key, signed.count + 1)) }
        return Array(signed[(next - 1)..<(next - 1 + count)])
    }

    private func acknowledge(_ count: Int) { next += count }

    /// Pushes batches of 1–12 from the first unacknowledged counter until the relay is gone or answers anything but
    /// a full acknowledgement (which `ledger` records).
    func push(to relay: RelayProcess, ledger: KillLedger, seed: UInt64) async {
        var random = SeededRandom(seed: seed)
        while let batch = try? batch(Int.random(in: 1...12, using: &random)) {
            let answer: RelayProcess.PushAnswer
            do { answer = try await relay.pushAnswer(batch, key: key) } catch {
                // Sent, then the relay died under it (not refused a connection: it was already gone).
                if (error as? URLError)?.code != .cannotConnectToHost { await ledger.cutOff() }
                return
            }
            guard await ledger.record(answer, for: batch) else { return }
            acknowledge(batch.count)
        }
    }
}

/// What clients of the relay kill test were told: the seq of every acknowledged change set, the id at every seq a
/// pull served, and anything a correct relay never does.
actor KillLedger {
    private(set) var acknowledged: [String: Int] = [:]
    private(set) var served: [Int: String] = [:]
    private(set) var violations: [String] = []
    /// Statuses of pushes answered with neither 200 nor a door refusal (a relay dying under a push answers nothing).
    private(set) var otherAnswers: [Int] = []

    /// Pushes cut off mid-request by a kill (a lower bound: a refused connection is not counted).
    private(set) var cutOffPushes = 0
    /// Change sets the relay had sequenced before a kill without its answer reaching the pusher: the re-push after
    /// the restart was answered with their entry.
    private(set) var answeredOnRePush = 0
    private var headAtRestart = 0

    var highestAcknowledged: Int { acknowledged.values.max() ?? 0 }

    func cutOff() { cutOffPushes += 1 }

    /// A round begins on a relay whose log ends at `head`.
    func restarted(head: Int) { headAtRestart = head }

    /// Records a push's answer; true when every change set of `batch` was acknowledged.
    func record(_ answer: RelayProcess.PushAnswer, for batch: [SignedChangeSet]) -> Bool {
        if let refusal = answer.refusal {
            violations.append("a push from the first unacknowledged counter was refused: \(refusal)")
            return false
        }
        guard answer.status == 200 else {
            otherAnswers.append(answer.status)
            return false
        }
        guard answer.results.map(\.id) == batch.map(\.idHex) else {
            violations.append("a 200 answered \(answer.results.count) of \(batch.count) change sets")
            return false
        }
        for (id, seq) in answer.results {
            if let earlier = acknowledged[id], earlier != seq {
                violations.append("\(id) was acknowledged at seq \(earlier), then at \(seq)")
            }
            if acknowledged[id] == nil, seq <= headAtRestart { answeredOnRePush += 1 }
            acknowledged[id] = seq
        }
        return true
    }

    private func serve(_ entries: [RelayProcess.LogEntry]) -> Int? {
        for entry in entries {
            if let earlier = served[entry.seq], earlier != entry.id {
                violations.append("seq \(entry.seq) was served with \(earlier), then with \(entry.id)")
            }
            served[entry.seq] = entry.id
        }
        return entries.last?.seq
    }

    /// Pulls the log every 20 ms until the relay is gone, recording what each seq held.
    func follow(_ relay: RelayProcess, key: SigningKey) async {
        var after = served.keys.max() ?? 0
        while let (status, entries) = try? await relay.page(after: after, key: key), status == 200 {
            after = serve(entries) ?? after
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
