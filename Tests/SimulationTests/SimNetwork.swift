import Foundation
import Store
import SyncNode
import TestSupport
import Wire

/// The network between the nodes and the relay, and the syncs running over it.
///
/// Every sync runs as its own task (a *session*: `node serve`'s loop, or a `node sync` run by hand on the same folder
/// while serve syncs), so syncs overlap, a node's among them. A request is handled at once — perhaps with a fault:
/// lost, its answer lost, delivered twice, or delivered now and once more later — or **held in flight**: it reaches
/// the relay at a later step, after other nodes' requests and after its own node's later ones, and its answer reaches
/// the session at a later step still. Or never: the session times out (and a later sync retries), while the request
/// may still arrive (the relay acts on it; nobody hears the answer). With HTTP an answer belongs to its own request,
/// so what a node sees out of order is an answer computed before something its other session did since.
///
/// Determinism: the simulation's task moves one held message on at a time, picked by the seed, and then waits until
/// every session is quiet — finished, or waiting for a held message with no page left to apply — so only one task at
/// a time ever touches a store, a link's generator or the relay, and a seed replays exactly.
final class SimNetwork: @unchecked Sendable {
    /// A request as sent.
    enum Request {
        case push([SignedChangeSet])
        case pull(after: Int, limit: Int)
    }

    enum Answer {
        case push(PushResult)
        case page(PullPage)
    }

    typealias Reply = Result<Answer, SyncError>

    /// A request in flight, or (once it arrived) its answer in flight.
    final class Message {
        /// The order it was sent in (a retransmission is a new message).
        let number: Int
        let link: SimLink
        let request: Request
        /// The session waiting for the answer and how to wake it; nil once nobody waits (an orphan: the session
        /// timed out or crashed, or the message is a duplicate).
        var waiter: (session: SimSession, continuation: CheckedContinuation<Reply, Never>)?
        /// The relay's answer, once the request arrived.
        var answer: Reply?

        init(number: Int, link: SimLink, request: Request) {
            self.number = number
            self.link = link
            self.request = request
        }
    }

    /// What the network did, for the summary line.
    struct Counts {
        /// Requests held in flight with their session waiting.
        var held = 0
        /// Requests that reached the relay after their sender stopped waiting (timed out, crashed, or a duplicate).
        var late = 0
        /// Pushes that reached the relay after a push sent later had.
        var overtaken = 0
        /// Pull answers that reached a session after its node had applied past the request's position.
        var stale = 0
        /// Syncs started while another sync of the same node was running.
        var overlapping = 0
        /// Syncs stopped by a crash of their node.
        var killed = 0
    }

    let relay: SimRelay
    private let lock = NSLock()
    // Guarded by `lock`.
    private var queue: [Message] = []
    private var sessions: [SimSession] = []
    private var quietWaiter: CheckedContinuation<Void, Never>?
    private var sent = 0
    private var lastArrived = 0
    private(set) var counts = Counts()

    init(relay: SimRelay) { self.relay = relay }

    /// Messages still in flight, and sessions not finished.
    var busy: (messages: Int, sessions: Int) { lock.withLock { (queue.count, sessions.count { !$0.finished }) } }

    // MARK: The simulation's side

    /// Starts a sync of `node` (a second one while another runs: `node sync` by hand next to `node serve`; at most
    /// two) and returns once every session is quiet.
    func sync(_ node: SimNode, now: @escaping @Sendable () -> UTCTime) async {
        let session = SimSession(node: node)
        let started = lock.withLock { () -> Bool in
            let running = sessions.count { $0.node === node && !$0.finished }
            guard running < 2 else { return false }
            if running > 0 { counts.overlapping += 1 }
            sessions.append(session)
            return true
        }
        guard started else { return }
        let transport = SimSessionLink(network: self, link: node.link, session: session)
        let (store, key) = (node.store, node.key)
        Task {
            var failure: SyncError?
            do throws(SyncError) {
                _ = try await NodeSync(store: store, key: key, transport: transport).run(now: now) { _, _ in
                    self.applied(session)
                }
            } catch {
                failure = error
            }
            self.finish(session, failure)
        }
        await settle()
    }

    /// Moves one held message on, picked by the seed, with what happens to it: a request reaches the relay (its
    /// answer is then in flight, unless nobody waits for it), is lost, or its session times out while the request
    /// stays in flight; an answer reaches its session or is lost. Partitioned links lose everything. With `faults`
    /// off (healing), every request arrives and every answer is heard. Returns once every session is quiet.
    func release(_ random: inout SeededRandom, faults: Bool) async {
        let message = lock.withLock { () -> Message? in
            queue.isEmpty ? nil : queue.remove(at: Int.random(in: 0..<queue.count, using: &random))
        }
        guard let message else { return }
        let roll = faults ? Int.random(in: 0..<100, using: &random) : 99
        let cut = faults && message.link.partitioned
        if let answer = message.answer {
            wake(message, with: cut || roll < 10 ? .failure(SyncError(.unreachable, "answer lost")) : answer)
        } else if cut || roll < 10 {
            wake(message, with: .failure(SyncError(.unreachable, "request lost")))
        } else if message.waiter != nil, roll < 25 {
            // The session gives up; the request is still on its way and may arrive after the retry.
            wake(message, with: .failure(SyncError(.unreachable, "timed out")))
            lock.withLock { queue.append(message) }
        } else if message.waiter == nil, case .pull = message.request {
            // A pull nobody waits for any more changes nothing at the relay.
        } else {
            let late = message.waiter == nil
            let reply = await arrive(message)
            lock.withLock {
                if late {
                    counts.late += 1
                } else {
                    message.answer = reply
                    queue.append(message)
                }
            }
        }
        await settle()
    }

    /// The node's processes die: their sessions stop at once (every request they wait for fails), requests already
    /// sent may still arrive, answers on their way are lost. Returns once the sessions have ended.
    func crash(_ node: SimNode) async {
        let waiting = lock.withLock { () -> [Message] in
            counts.killed += sessions.count { $0.node === node && !$0.finished }
            let waiting = queue.filter { $0.waiter?.session.node === node }
            queue.removeAll { $0.waiter?.session.node === node && $0.answer != nil }
            return waiting
        }
        for message in waiting { wake(message, with: .failure(SyncError(.unreachable, "the node crashed"))) }
        await settle()
    }

    /// Finished sessions (removed): their nodes and how each ended.
    func harvest() -> [(node: SimNode, error: SyncError?)] {
        lock.withLock {
            let done = sessions.filter { $0.finished && $0.parked == 0 && $0.inCall == 0 }
            sessions.removeAll { $0.finished && $0.parked == 0 && $0.inCall == 0 }
            return done.map { ($0.node, $0.error) }
        }
    }

    /// Returns once every session is quiet.
    private func settle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let quiet = lock.withLock { () -> Bool in
                if sessions.allSatisfy(\.quiet) { return true }
                quietWaiter = continuation
                return false
            }
            if quiet { continuation.resume() }
        }
    }

    // MARK: The sessions' side

    func push(_ changeSets: [SignedChangeSet], link: SimLink, session: SimSession) async throws(SyncError)
        -> PushResult
    {
        let message = begin(session, link: link, request: .push(changeSets))
        var reply: Reply
        if link.partitioned {
            reply = .failure(SyncError(.unreachable, "partitioned"))
        } else {
            switch link.fault() {
            case 0: reply = .failure(SyncError(.unreachable, "request lost"))
            case 4:
                // Timed out; the request is still on its way and may arrive after the retry.
                lock.withLock { queue.append(message) }
                reply = .failure(SyncError(.unreachable, "timed out"))
            case 5..<20:
                let held = await park(message, session)
                return try Self.pushResult(held)
            case let fault:
                reply = await arrive(message)
                switch fault {
                case 1: reply = .failure(SyncError(.unreachable, "answer lost"))
                case 2: reply = await arrive(message)  // delivered twice
                case 3:  // delivered now, and a duplicate later
                    lock.withLock {
                        queue.append(Message(number: message.number, link: link, request: message.request))
                    }
                default: break
                }
            }
        }
        end(session, reply)
        return try Self.pushResult(reply)
    }

    func pull(after: Int, limit: Int, link: SimLink, session: SimSession) async throws(SyncError) -> PullPage {
        let message = begin(session, link: link, request: .pull(after: after, limit: limit))
        var reply: Reply
        if link.partitioned {
            reply = .failure(SyncError(.unreachable, "partitioned"))
        } else {
            switch link.fault() {
            case 0: reply = .failure(SyncError(.unreachable, "request lost"))
            case 2, 3:
                // The request held: the page is what the relay has when it arrives.
                let held = await park(message, session)
                return try Self.page(held)
            case let fault:
                reply = await arrive(message)
                if fault == 1 { reply = .failure(SyncError(.unreachable, "answer lost")) }
                if (4..<7).contains(fault) {
                    // The answer held: the page is what the relay had now, heard later.
                    message.answer = reply
                    let held = await park(message, session)
                    return try Self.page(held)
                }
            }
        }
        end(session, reply)
        return try Self.page(reply)
    }

    /// A page was applied (the sync's progress callback).
    func applied(_ session: SimSession) {
        lock.withLock { session.unapplied -= 1 }
        notify()
    }

    func finish(_ session: SimSession, _ error: SyncError?) {
        lock.withLock {
            session.finished = true
            session.error = error
        }
        notify()
    }

    // MARK: Inside

    private func begin(_ session: SimSession, link: SimLink, request: Request) -> Message {
        lock.withLock {
            session.inCall += 1
            sent += 1
            return Message(number: sent, link: link, request: request)
        }
    }

    private func end(_ session: SimSession, _ reply: Reply) {
        lock.withLock {
            session.inCall -= 1
            if case .success(.page) = reply { session.unapplied += 1 }
        }
        notify()
    }

    /// Holds the message in flight and waits for it to be released.
    private func park(_ message: Message, _ session: SimSession) async -> Reply {
        await withCheckedContinuation { continuation in
            lock.withLock {
                message.waiter = (session, continuation)
                session.inCall -= 1
                session.parked += 1
                counts.held += 1
                queue.append(message)
            }
            notify()
        }
    }

    /// Hands `reply` to the session waiting for the message, if any; the message is then an orphan.
    private func wake(_ message: Message, with reply: Reply) {
        guard let (session, continuation) = message.waiter else { return }
        var stale = false
        if case .success(.page) = reply, case .pull(let after, _) = message.request,
            let applied = try? session.node.store.position().appliedSeq
        {
            stale = applied > after
        }
        lock.withLock {
            message.waiter = nil
            session.parked -= 1
            if case .success(.page) = reply { session.unapplied += 1 }
            if stale { counts.stale += 1 }
        }
        continuation.resume(returning: reply)
    }

    /// The request reaches the relay.
    private func arrive(_ message: Message) async -> Reply {
        switch message.request {
        case .push(let changeSets):
            lock.withLock {
                if message.number < lastArrived { counts.overtaken += 1 }
                lastArrived = max(lastArrived, message.number)
            }
            do throws(SyncError) {
                return .success(.push(try await relay.push(changeSets, requester: message.link.key.publicKey)))
            } catch {
                return .failure(error)
            }
        case .pull(let after, let limit):
            do throws(SyncError) {
                let page = try relay.pull(
                    after: after, limit: message.link.pageSize(limit), requester: message.link.key.publicKey)
                return .success(.page(page))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Wakes the simulation's task once every session is quiet.
    private func notify() {
        let waiter = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            guard let waiter = quietWaiter, sessions.allSatisfy(\.quiet) else { return nil }
            quietWaiter = nil
            return waiter
        }
        waiter?.resume()
    }

    private static func pushResult(_ reply: Reply) throws(SyncError) -> PushResult {
        switch reply {
        case .success(.push(let result)): return result
        case .failure(let error): throw error
        case .success(.page): fatalError("a page answered a push")
        }
    }

    private static func page(_ reply: Reply) throws(SyncError) -> PullPage {
        switch reply {
        case .success(.page(let page)): return page
        case .failure(let error): throw error
        case .success(.push): fatalError("a push result answered a pull")
        }
    }
}

/// One sync of one node: its progress as ``SimNetwork`` sees it.
final class SimSession: @unchecked Sendable {
    let node: SimNode
    // Guarded by the network's lock.
    /// Requests being handled at once.
    var inCall = 0
    /// Requests waiting for a held message.
    var parked = 0
    /// Pages handed to the sync and not yet applied.
    var unapplied = 0
    var finished = false
    var error: SyncError?

    init(node: SimNode) { self.node = node }

    /// Finished, or waiting for a held message with nothing left to apply: nothing of it runs until the simulation
    /// releases a message. (A sync asks for the next page while it applies one, so a session waiting for a page may
    /// still be applying the one before: `unapplied` tells.)
    var quiet: Bool { inCall == 0 && (finished || (parked > 0 && unapplied == 0)) }
}

/// A session's transport: the node's link through the network.
struct SimSessionLink: RelayTransport {
    let network: SimNetwork
    let link: SimLink
    let session: SimSession

    func genesis() async throws(SyncError) -> PullPage {
        try network.relay.pull(after: 0, limit: 1, requester: nil)
    }

    func pull(after: Int, limit: Int, wait: Int) async throws(SyncError) -> PullPage {
        try await network.pull(after: after, limit: limit, link: link, session: session)
    }

    func push(_ changeSets: [SignedChangeSet]) async throws(SyncError) -> PushResult {
        try await network.push(changeSets, link: link, session: session)
    }
}
