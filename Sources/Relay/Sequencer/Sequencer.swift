import CoreMetrics
import Foundation
import GRDB
package import Store
package import Wire

/// The sequencer: gives change sets their place in the one total order.
///
/// **Group commit**: a push's signatures are verified as it arrives, in parallel across the cores and outside the
/// writer (so they overlap the batch being written); verified pushes wait in a queue; one drain takes every push
/// waiting at that moment, then checks the door and applies each change set in order inside **one**
/// `synchronous=FULL` transaction, and only after it commits answers every push. Relay time never goes back.
package actor Sequencer {
    /// One push: its change sets in order, and who sent the request.
    package struct Push: Sendable {
        package var changeSets: [SignedChangeSet]
        package var requester: PublicKey
        package init(changeSets: [SignedChangeSet], requester: PublicKey) {
            self.changeSets = changeSets
            self.requester = requester
        }
    }

    /// The answer for one change set that passed the door (newly sequenced, or already in the log).
    package struct EntryAnswer: Sendable, Hashable {
        package var id: [UInt8]
        package var seq: Int
        /// The outcome's canonical JSON.
        package var outcome: String
    }

    /// `{id, seq, outcome}` for each processed change set, the first refusal if any (with its index), and the
    /// requester's next counter.
    package struct PushAnswer: Sendable {
        package var entries: [EntryAnswer] = []
        package var refusal: (index: Int, error: RelayError)?
        package var nextCounter = 1
    }

    /// A push and whether each of its signatures verifies.
    private typealias Verified = (push: Push, signatures: [Bool])
    /// Pushes that go into the same batch, and where to answer them.
    private typealias Waiter = (
        pushes: [Verified], continuation: CheckedContinuation<[Result<PushAnswer, RelayError>], Never>
    )

    package let store: ReplicaStore
    package let heads: HeadWatch
    private let clock: @Sendable () -> UTCTime
    private let metrics: RelayMetrics?
    private var waiting: [Waiter] = []
    private var draining = false

    package init(store: ReplicaStore, clock: @escaping @Sendable () -> UTCTime, metrics: RelayMetrics? = nil) throws {
        self.store = store
        self.clock = clock
        self.metrics = metrics
        let head = try store.position().appliedSeq
        self.heads = HeadWatch(head: head)
        metrics?.head.set(head)
    }

    /// Sequences a push with every other push waiting at the same moment; returns once they are durable.
    package nonisolated func push(_ push: Push) async throws(RelayError) -> PushAnswer {
        let signatures = await Self.verifyInParallel(push.changeSets)
        return try await enqueue([(push, signatures)])[0].get()
    }

    /// Sequences `pushes` in this order within one batch (with any other push waiting at that moment), as if they
    /// had arrived together: what group commit does with concurrent pushes, made deterministic for tests.
    package nonisolated func push(batch pushes: [Push]) async -> [Result<PushAnswer, RelayError>] {
        var verified: [Verified] = []
        for push in pushes { verified.append((push, await Self.verifyInParallel(push.changeSets))) }
        return await enqueue(verified)
    }

    private func enqueue(_ pushes: [Verified]) async -> [Result<PushAnswer, RelayError>] {
        await withCheckedContinuation { continuation in
            waiting.append((pushes, continuation))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = waiting
            waiting = []
            var answers = await commit(batch.flatMap(\.pushes))[...]
            for waiter in batch {
                waiter.continuation.resume(returning: Array(answers.prefix(waiter.pushes.count)))
                answers = answers.dropFirst(waiter.pushes.count)
            }
        }
        draining = false
    }

    /// The batch size of the last commit, for metrics and tests.
    package private(set) var lastBatchSize = 0

    private func commit(_ batch: [Verified]) async -> [Result<PushAnswer, RelayError>] {
        lastBatchSize = batch.count
        let now = clock()
        do {
            let (answers, start, head) = try await store.writer.write { db in
                var view = try BatchView(db: db)
                var applying = try ReplicaStore.ApplyBatch(db)
                let start = view.head
                let answers = try batch.map { push in
                    try Self.sequence(
                        push.push, signatures: push.signatures, now: now, view: &view, applying: &applying, db: db)
                }
                try applying.finish(db)
                return (answers, start, view.head)
            }
            await heads.advance(to: head)
            metrics?.pushes.increment(by: batch.count)
            metrics?.batchSize.record(batch.count)
            metrics?.sequenced.increment(by: head - start)
            metrics?.head.set(head)
            return answers.map { .success($0) }
        } catch {
            return batch.map { _ in .failure(.unavailable("the relay could not store the batch")) }
        }
    }

    /// Door and apply for one push, in order, stopping at the first refusal.
    private static func sequence(
        _ push: Push, signatures: [Bool], now: UTCTime, view: inout BatchView,
        applying: inout ReplicaStore.ApplyBatch, db: Database
    ) throws -> PushAnswer {
        var answer = PushAnswer()
        for (index, changeSet) in push.changeSets.enumerated() {
            switch try Door.check(changeSet, signatureValid: signatures[index], batch: &view, db: db) {
            case .refuse(let error):
                answer.refusal = (index, error)
            case .existing(let seq, let outcome):
                answer.entries.append(EntryAnswer(id: changeSet.id, seq: seq, outcome: outcome))
                continue
            case .sequence:
                let time = UTCTime(seconds: max(now.seconds, view.relayTime))
                let entry = SequencedEntry(seq: view.head + 1, relayTime: time, changeSet: changeSet)
                let applied = try applying.apply(entry, in: db)
                view.sequenced(changeSet, seq: applied.seq, relayTime: time.seconds)
                let outcome = applied.outcome.canonicalText
                answer.entries.append(EntryAnswer(id: applied.id, seq: applied.seq, outcome: outcome))
                continue
            }
            break
        }
        answer.nextCounter = try view.lastCounter(push.requester.hex, db: db) + 1
        return answer
    }

    /// The cores to verify on (read once: each read of it opens the cgroup files).
    private static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Ed25519 verification of every change set, split across the cores.
    static func verifyInParallel(_ changeSets: [SignedChangeSet]) async -> [Bool] {
        let chunk = max(16, (changeSets.count + cores - 1) / cores)
        if changeSets.count <= chunk { return changeSets.map { $0.verify() } }
        return await withTaskGroup(of: (Int, [Bool]).self) { group in
            for start in stride(from: 0, to: changeSets.count, by: chunk) {
                let slice = changeSets[start..<min(start + chunk, changeSets.count)]
                group.addTask { (start, slice.map { $0.verify() }) }
            }
            var results = [Bool](repeating: false, count: changeSets.count)
            for await (start, verdicts) in group {
                for (offset, verdict) in verdicts.enumerated() { results[start + offset] = verdict }
            }
            return results
        }
    }
}

/// The head sequence, and pulls waiting for it to move (long polling).
package actor HeadWatch {
    package private(set) var head: Int
    private var waiters: [UUID: (after: Int, continuation: CheckedContinuation<Void, Never>)] = [:]

    init(head: Int) { self.head = head }

    func advance(to seq: Int) {
        head = max(head, seq)
        for (id, waiter) in waiters where waiter.after < head {
            waiters[id] = nil
            waiter.continuation.resume()
        }
    }

    /// Returns once the head is past `after`, after `timeout`, or when the waiting task is cancelled.
    package func wait(after: Int, timeout: Duration) async {
        guard head <= after, !Task.isCancelled else { return }
        let id = UUID()
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.expire(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiters[id] = (after, $0) }
        } onCancel: {
            timer.cancel()
        }
    }

    private func expire(_ id: UUID) {
        waiters.removeValue(forKey: id)?.continuation.resume()
    }
}
