import CoreMetrics
import Foundation
import GRDB
package import Store
package import Wire

/// The sequencer: gives change sets their place in the one total order.
///
/// **Group commit**: pushes wait in a queue; one drain takes every push waiting at that moment, verifies all their
/// signatures in parallel across cores, then checks the door and applies each change set in order inside **one**
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

    private typealias Waiter = (push: Push, continuation: CheckedContinuation<Result<PushAnswer, RelayError>, Never>)

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
    package func push(_ push: Push) async throws(RelayError) -> PushAnswer {
        let result = await withCheckedContinuation { continuation in
            waiting.append((push, continuation))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
        return try result.get()
    }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = waiting
            waiting = []
            let answers = await commit(batch.map(\.push))
            for (waiter, answer) in zip(batch, answers) { waiter.continuation.resume(returning: answer) }
        }
        draining = false
    }

    /// The batch size of the last commit, for metrics and tests.
    package private(set) var lastBatchSize = 0

    private func commit(_ batch: [Push]) async -> [Result<PushAnswer, RelayError>] {
        lastBatchSize = batch.count
        let valid = await Self.verifyInParallel(batch.flatMap(\.changeSets))
        let now = clock()
        do {
            let (answers, start, head) = try await store.writer.write { db in
                let start = try Int.cachedOne(db, sql: "SELECT applied_seq FROM replica_state") ?? 0
                var offset = 0
                var answers: [PushAnswer] = []
                for push in batch {
                    let signatures = Array(valid[offset..<(offset + push.changeSets.count)])
                    offset += push.changeSets.count
                    answers.append(try Self.sequence(push, signatures: signatures, now: now, db: db))
                }
                return (answers, start, try Int.cachedOne(db, sql: "SELECT applied_seq FROM replica_state") ?? 0)
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
    private static func sequence(_ push: Push, signatures: [Bool], now: UTCTime, db: Database) throws -> PushAnswer {
        var answer = PushAnswer()
        for (index, changeSet) in push.changeSets.enumerated() {
            switch try Door.check(changeSet, signatureValid: signatures[index], db: db) {
            case .refuse(let error):
                answer.refusal = (index, error)
            case .existing(let seq, let outcome):
                answer.entries.append(EntryAnswer(id: changeSet.id, seq: seq, outcome: outcome))
                continue
            case .sequence:
                let state = try Row.cachedOne(db, sql: "SELECT applied_seq, relay_time FROM replica_state")!
                let time = UTCTime(seconds: max(now.seconds, state["relay_time"] as Int))
                let entry = SequencedEntry(
                    seq: (state["applied_seq"] as Int) + 1, relayTime: time, changeSet: changeSet)
                let applied = try ReplicaStore.apply(entry, in: db)
                let outcome = String(decoding: (try? CanonicalJSON.encode(applied.outcome.json)) ?? [], as: UTF8.self)
                answer.entries.append(EntryAnswer(id: applied.id, seq: applied.seq, outcome: outcome))
                continue
            }
            break
        }
        answer.nextCounter = try Door.lastCounter(push.requester.hex, db: db) + 1
        return answer
    }

    /// Ed25519 verification of every change set, split across the cores.
    static func verifyInParallel(_ changeSets: [SignedChangeSet]) async -> [Bool] {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunk = max(16, (changeSets.count + cores - 1) / cores)
        return await withTaskGroup(of: (Int, [Bool]).self) { group in
            for start in stride(from: 0, to: changeSets.count, by: chunk) {
                let slice = Array(changeSets[start..<min(start + chunk, changeSets.count)])
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
