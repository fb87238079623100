import Foundation
import Store
import SyncNode
import TestSupport
import Testing
import Wire

/// Two syncs of one node's store at once (`node sync` run by hand while `node serve` syncs): a page one of them
/// asked for may arrive after the other applied its entries. That is no fault of the relay, and must not stop the
/// node as if it were. Found by the simulation once it ran a node's syncs side by side (seed 7 first; 71 of seeds
/// 1–200 stopped a node with "the relay sent entry N where M was due").
@Suite struct OverlappingSyncTests {
    /// A relay at seq 4 (the genesis and three admin change sets) and a fresh replica at seq 1.
    private func network(_ directory: TemporaryDirectory) async throws -> (SimRelay, ReplicaStore) {
        var log = LogBuilder()
        let genesis = log.genesis()
        let clock = SimClock(UTCTime(seconds: genesis.relayTime.seconds + 1))
        let relay = try SimRelay(
            path: directory.file("relay.sqlite"), key: log.relay, genesis: genesis, clock: clock, reversed: false)
        let admin = try ReplicaStore(path: directory.file("admin.sqlite"), durable: false)
        try admin.apply([genesis])
        _ = try admin.write(RandomLog.setup(), key: log.admin, now: clock.now)
        var operations = RandomLog.RandomOperations()
        var random = SeededRandom(seed: 7)
        var step = 0
        while try admin.outboxCounts().pending < 3 {
            _ = try? admin.write(operations.next(step, random: &random), key: log.admin, now: clock.now)
            step += 1
        }
        _ = try await NodeSync(store: admin, key: log.admin, transport: Direct(relay: relay, key: log.admin))
            .run(now: { clock.now })
        #expect(try relay.store.position().appliedSeq == 4)
        let replica = try ReplicaStore(path: directory.file("replica.sqlite"), durable: false)
        try replica.apply([genesis])
        return (relay, replica)
    }

    @Test func aPageAlreadyAppliedByAnotherSyncIsSkipped() async throws {
        let directory = TemporaryDirectory()
        let (relay, replica) = try await network(directory)
        let page = try relay.pull(after: 1, limit: 100, requester: nil)
        let client = SyncClient(store: replica, transport: Direct(relay: relay, key: nil))
        // Another sync applied entry 2 first: the page applies 3 and 4 only.
        #expect(try client.apply(try relay.pull(after: 1, limit: 1, requester: nil)) == 1)
        #expect(try client.apply(page) == 2)
        // The whole page again: nothing to apply, and no error.
        #expect(try client.apply(page) == 0)
        #expect(try replica.position() == relay.store.position())

        // An entry this node has, but different at the relay, is still a broken history.
        var forged = page
        forged.entries[0].hash = [UInt8](repeating: 0, count: 32)
        #expect(throws: SyncError.self) { try client.apply(forged) }
        #expect(try replica.position() == relay.store.position())
    }

    @Test func aCatchUpOvertakenByAnotherSyncEndsAtTheHead() async throws {
        let directory = TemporaryDirectory()
        let (relay, replica) = try await network(directory)
        // The first sync's second page (after 2) is held until a second sync has caught up to the head.
        let held = Held(relay: relay)
        let progressed = Latch()
        let first = Task {
            try await SyncClient(store: replica, transport: held).catchUp { _, _ in progressed.fire() }
        }
        await held.reached.wait()
        await progressed.wait()
        #expect(try replica.position().appliedSeq == 2)
        let second = try await SyncClient(store: replica, transport: Direct(relay: relay, key: nil)).catchUp()
        #expect(second.pulled == 2)
        held.release()
        let report = try await first.value
        #expect(report.pulled == 1)
        #expect(try replica.position() == relay.store.position())
    }
}

/// The relay, directly.
private struct Direct: RelayTransport {
    let relay: SimRelay
    let key: SigningKey?

    func genesis() async throws(SyncError) -> PullPage { try relay.pull(after: 0, limit: 1, requester: nil) }
    func pull(after: Int, limit: Int, wait: Int) async throws(SyncError) -> PullPage {
        try relay.pull(after: after, limit: limit, requester: key?.publicKey)
    }
    func push(_ changeSets: [SignedChangeSet]) async throws(SyncError) -> PushResult {
        guard let key else { throw SyncError(.notEnrolled, "no key") }
        return try await relay.push(changeSets, requester: key.publicKey)
    }
}

/// Pages of one entry; the answer to the second pull is held until `release`.
private final class Held: RelayTransport, @unchecked Sendable {
    let relay: SimRelay
    let reached = Latch()
    private let gate = Latch()
    private let lock = NSLock()
    private var calls = 0

    init(relay: SimRelay) { self.relay = relay }

    func release() { gate.fire() }

    func genesis() async throws(SyncError) -> PullPage { try relay.pull(after: 0, limit: 1, requester: nil) }
    func pull(after: Int, limit: Int, wait: Int) async throws(SyncError) -> PullPage {
        let call = lock.withLock {
            calls += 1
            return calls
        }
        let page = try relay.pull(after: after, limit: 1, requester: nil)
        if call == 2 {
            reached.fire()
            await gate.wait()
        }
        return page
    }
    func push(_ changeSets: [SignedChangeSet]) async throws(SyncError) -> PushResult {
        throw SyncError(.notEnrolled, "no key")
    }
}

/// Fires once; `wait` returns once it has.
private final class Latch: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func fire() {
        let waiting = lock.withLock {
            fired = true
            defer { waiters = [] }
            return waiters
        }
        for waiter in waiting { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let now = lock.withLock {
                if fired { return true }
                waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}
