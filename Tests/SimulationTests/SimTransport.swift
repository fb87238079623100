import Foundation
import GRDB
import Relay
import Store
import SyncNode
import TestSupport
import Wire

/// The relay in process: the real sequencer and store (opened as `relay serve` opens it, without the query indexes
/// only nodes read), behind the node's `RelayTransport`, with the faults the
/// simulation injects (``SimNetwork``). Called by one task at a time — the simulation's, or one sync's while every
/// other task waits — in the order the seed decides.
final class SimRelay: @unchecked Sendable {
    // Mutated by one task at a time (above).
    let path: String
    let key: SigningKey
    let clock: SimClock
    let reversed: Bool
    private(set) var store: ReplicaStore
    private(set) var sequencer: Sequencer
    /// Every change set the relay acknowledged (answered or not): its id and sequence.
    private(set) var acknowledged: [[UInt8]: Int] = [:]
    /// Answers that broke idempotency (a change set already in the log pushed again, answered otherwise).
    private(set) var violations: [String] = []
    /// Change sets pushed again once in the log (retries, duplicates, late arrivals).
    private(set) var repeated = 0

    init(path: String, key: SigningKey, genesis: SequencedEntry, clock: SimClock, reversed: Bool) throws {
        self.path = path
        self.key = key
        self.clock = clock
        self.reversed = reversed
        store = try ReplicaStore(path: path, durable: false, reverseUnorderedSelects: reversed, queryIndexes: false)
        try store.apply([genesis])
        sequencer = try Sequencer(store: store, clock: { clock.now })
    }

    /// A crash and restart: everything not on disk is gone; the sequencer starts again from the store.
    func restart() throws {
        store = try ReplicaStore(path: path, durable: false, reverseUnorderedSelects: reversed, queryIndexes: false)
        sequencer = try Sequencer(store: store, clock: { [clock] in clock.now })
    }

    func push(_ changeSets: [SignedChangeSet], requester: PublicKey) async throws(SyncError) -> PushResult {
        try checkEnrolled(requester)
        let logged = sequenced(changeSets)
        repeated += logged.count { $0 != nil }
        let answer: Sequencer.PushAnswer
        do { answer = try await sequencer.push(Sequencer.Push(changeSets: changeSets, requester: requester)) } catch {
            throw SyncError(.unreachable, "relay: \(error.message)")
        }
        // Pushing is idempotent: a change set already in the log is answered with its entry, never refused.
        for (index, seq) in logged.enumerated() {
            guard let seq, index <= answer.entries.count else { continue }
            let id = Hex.encode(changeSets[index].id).prefix(12)
            if index == answer.entries.count, let refusal = answer.refusal {
                violations.append("a push of \(id), sequenced at \(seq), was refused: \(refusal.error.code)")
            } else if index < answer.entries.count, answer.entries[index].seq != seq {
                violations.append("a push of \(id), sequenced at \(seq), was answered \(answer.entries[index].seq)")
            }
        }
        var result = PushResult()
        for entry in answer.entries {
            result.acknowledged.append((entry.id, entry.seq))
            acknowledged[entry.id] = entry.seq
        }
        result.refusal = answer.refusal.map { ($0.index, $0.error.code, $0.error.message) }
        result.nextCounter = answer.nextCounter
        return result
    }

    func pull(after: Int, limit: Int, requester: PublicKey?) throws(SyncError) -> PullPage {
        if let requester { try checkEnrolled(requester) }
        do {
            let entries = try store.logRecords(after: after, limit: limit).map { record in
                PulledEntry(
                    seq: record.seq, relayTime: record.relayTime,
                    changeSet: .object([
                        JSONMember("change_set", .string(Base64.encode(record.changeSet))),
                        JSONMember("signature", .string(Hex.encode(record.signature))),
                    ]), outcome: record.outcome, digest: record.digest, hash: record.hash)
            }
            let position = try store.position()
            let head = SignedHead(
                seq: position.appliedSeq, hash: position.headHash, digest: position.digest, signedBy: key)
            let next = try requester.map { key in
                try store.writer.read { db in
                    try Int.cachedOne(
                        db, sql: "SELECT max(counter) FROM log WHERE author = ?", arguments: [key.hex]) ?? 0
                } + 1
            }
            return PullPage(entries: entries, head: head, nextCounter: next)
        } catch {
            throw SyncError(.unreachable, "relay: \(error)")
        }
    }

    /// Where each change set is in the log, if it is.
    private func sequenced(_ changeSets: [SignedChangeSet]) -> [Int?] {
        let seqs = try? store.writer.read { db in
            try changeSets.map {
                try Int.fetchOne(
                    db, sql: "SELECT seq FROM log WHERE author = ? AND counter = ? AND id = ?",
                    arguments: [$0.changeSet.author, $0.changeSet.counter, Data($0.id)])
            }
        }
        return seqs ?? []
    }

    /// Requests are signed: an unknown or revoked key is refused before anything else (HTTP 401).
    private func checkEnrolled(_ key: PublicKey) throws(SyncError) {
        let enrolment = try? store.enrolment(of: key)
        guard let enrolment, !enrolment.revoked else { throw SyncError(.notEnrolled, "auth: key not enrolled") }
    }
}

/// The simulation's clock: moves only when the seed says so.
final class SimClock: @unchecked Sendable {
    // Set by the simulation's task while every sync is quiet; read by the sequencer and the syncs.
    var now: UTCTime
    init(_ now: UTCTime) { self.now = now }
}

/// One node's link to the relay and its faults: a partition refuses everything; otherwise each request draws a fault
/// from the link's own seeded generator (``SimNetwork`` decides what each one does).
final class SimLink: @unchecked Sendable {
    // Mutated by the simulation's task, or by one sync while every other task waits (``SimNetwork``).
    let key: SigningKey
    var partitioned = false
    var faults: SeededRandom
    var faultRate: Int

    init(key: SigningKey, seed: UInt64, faultRate: Int) {
        self.key = key
        faults = SeededRandom(seed: seed)
        self.faultRate = faultRate
    }

    /// A draw in 0..<30 at the usual rate of 10 (each fault about 1 in 30), 99 (no fault) when faults are off.
    func fault() -> Int { faultRate == 0 ? 99 : Int.random(in: 0..<(100 / faultRate * 3), using: &faults) }

    /// A pull page's size: any the relay may choose.
    func pageSize(_ limit: Int) -> Int { Int.random(in: 1...limit, using: &faults) }
}
