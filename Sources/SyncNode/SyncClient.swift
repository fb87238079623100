import Dispatch
package import Store
package import Wire

/// Pulls the log and applies it, verifying everything a correct relay guarantees, and stopping loudly (exit 3) at
/// the first thing it could never produce: a bad author signature, a gap, an author unknown or revoked at that
/// position, a fork (`base_hash` not in this node's log), an outcome, digest or entry hash that differs from this
/// node's, an unsigned head, or a relay behind this node.
package struct SyncClient: Sendable {
    package let store: ReplicaStore
    package let transport: any RelayTransport
    package var pageSize = 1000

    package init(store: ReplicaStore, transport: any RelayTransport) {
        self.store = store
        self.transport = transport
    }

    /// What a catch-up did.
    package struct Report: Sendable {
        package var pulled = 0
        package var nextCounter: Int?
        package var head: SignedHead?
    }

    /// Pushes the outbox in counter order (in pushes within the relay's limits); stops at a door refusal, which is
    /// recorded on that change set and returned. Returns how many change sets the relay acknowledged.
    package func pushOutbox() async throws(SyncError) -> (pushed: Int, refusal: (code: String, error: SyncError)?) {
        let pending: [SignedChangeSet]
        do { pending = try store.pendingChangeSets() } catch {
            throw SyncError(.badInput, "cannot read the outbox: \(error)")
        }
        var pushed = 0
        var start = 0
        while start < pending.count {
            var end = start
            var bytes = 0
            while end < pending.count, end - start < WireLimits.changeSetsPerPush,
                bytes + pending[end].bytes.count * 2 < WireLimits.pushBytes - 4096
            {
                bytes += pending[end].bytes.count * 2
                end += 1
            }
            let chunk = Array(pending[start..<end])
            let result: PushResult
            do {
                result = try await transport.push(chunk)
            } catch  where error.kind == .notEnrolled {
                // Refused before any change set was looked at (a revoked or unknown request key): keep them all.
                let remaining = pending.count - start
                let message = "\(error.message) — \(remaining) change sets not accepted (kept in the outbox)"
                return (pushed, ("auth.revoked", SyncError(.notEnrolled, message)))
            }
            let refused = result.refusal.map { (id: chunk[$0.index].id, reason: $0.code) }
            do { try store.recordPush(acknowledged: result.acknowledged, refused: refused) } catch {
                throw SyncError(.badInput, "cannot record the push: \(error)")
            }
            pushed += result.acknowledged.count
            if let refusal = result.refusal {
                return (pushed, (refusal.code, Self.explain(refusal, remaining: pending.count - start - refusal.index)))
            }
            start = end
        }
        return (pushed, nil)
    }

    /// What a door refusal means for this node.
    static func explain(_ refusal: (index: Int, code: String, message: String), remaining: Int) -> SyncError {
        switch refusal.code {
        case "auth.revoked", "auth.unknown_key":
            return SyncError(.notEnrolled, "\(refusal.message) — \(remaining) change sets not accepted")
        case "base.mismatch":
            return SyncError(
                .integrity, "the relay's history differs from this node's — restored from an older backup?")
        case "counter.reused":
            return SyncError(
                .badInput,
                "this key is in use on another node (counter already taken) — \(remaining) change sets not accepted")
        default:
            return SyncError(.badInput, "the relay refused a change set: \(refusal.code) \(refusal.message)")
        }
    }

    /// Pulls and applies pages until this node is at the relay's head. `progress(applied, head)` after each page.
    ///
    /// Pipelined: while one page is applied (the store's one writer), the next two are fetched, decoded and their
    /// signatures verified on the other cores — the second asked for on the guess that the next page is full, and
    /// dropped when it is not (so a fetch's wait for the relay is hidden too). A page fetched ahead is only ever
    /// applied after the one before it.
    package func catchUp(progress: (Int, Int) -> Void = { _, _ in }) async throws(SyncError) -> Report {
        var report = Report()
        var applied = try position().appliedSeq
        // Pages asked for, oldest first: the next one, and one more asked for on the guess that the next is full.
        var pending = [(after: applied, task: prefetch(after: applied))]
        while true {
            // A stopping `node serve` cancels its sync: requests are not interrupted (see `HTTPRelayTransport`), so
            // it ends here, between pages.
            if Task.isCancelled { throw SyncError(.unreachable, "the sync was stopped") }
            let (requested, next) = pending.removeFirst()
            let page = try await next.value.get()
            // Checked against the position the page was asked for from: the answer may be older than what another
            // sync of this store (`node sync` next to `node serve`) applied meanwhile, which is no fault of the relay.
            guard page.page.head.seq >= requested else {
                throw SyncError(
                    .integrity,
                    "the relay's head (\(page.page.head.seq)) is behind this node (\(requested)): was the relay restored from an old backup?"
                )
            }
            let last = page.page.entries.last?.seq ?? applied
            let more = !page.page.entries.isEmpty && last < page.page.head.seq
            if more {
                // A guess that missed (this page was short) is dropped; its request ends on its own.
                if pending.first?.after != last { pending = [(last, prefetch(after: last))] }
                let ahead = last + pageSize
                if pending.count < 2, ahead < page.page.head.seq { pending.append((ahead, prefetch(after: ahead))) }
            }
            report.pulled += try apply(page)
            report.nextCounter = page.page.nextCounter ?? report.nextCounter
            report.head = page.page.head
            let head = page.page.head.seq
            Self.release(consume page, consume next)
            applied = try position().appliedSeq
            progress(applied, head)
            if !more || applied >= head { return report }
        }
    }

    /// Frees an applied page (a thousand entries, each a few allocations) on another thread: on the one that applies
    /// pages in order, the bound of a catch-up, it cost a few percent. The task still holds the page as its result.
    private static func release(_ page: consuming VerifiedPage, _ task: Task<Result<VerifiedPage, SyncError>, Never>) {
        let retired = (consume page, task)
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(retired) {} }
    }

    /// Fetches, decodes and verifies the page after `seq` in the background. Never cancelled: it ends on its own
    /// (cancelling URLSession's request from a task deadlocked the runtime here).
    private func prefetch(after seq: Int) -> Task<Result<VerifiedPage, SyncError>, Never> {
        let transport = transport
        let limit = pageSize
        return Task {
            do throws(SyncError) {
                return .success(try Self.verify(try await transport.pull(after: seq, limit: limit, wait: 0)))
            } catch {
                return .failure(error)
            }
        }
    }

    /// A page whose entries are in sequence, decoded, and carry good author signatures; not yet checked against
    /// this node's store.
    package struct VerifiedPage: Sendable {
        package var page: PullPage
        /// The page's entries, their change sets decoded and verified.
        package var entries: [SequencedEntry]
    }

    /// Checks what needs no store: consecutive sequence numbers, well-formed change sets, author signatures.
    package static func verify(_ page: PullPage) throws(SyncError) -> VerifiedPage {
        let first = page.entries.first?.seq ?? 0
        for (offset, entry) in page.entries.enumerated() where entry.seq != first + offset {
            throw SyncError(.integrity, "the relay sent entry \(entry.seq) where \(first + offset) was due")
        }
        let signed = try page.entries.map { entry throws(SyncError) in try Self.decode(entry) }
        try Self.verifySignatures(signed, seqs: page.entries.map(\.seq))
        let entries = zip(page.entries, signed).map {
            SequencedEntry(seq: $0.seq, relayTime: $0.relayTime, changeSet: $1)
        }
        return VerifiedPage(page: page, entries: entries)
    }

    /// Verifies and applies one page in one transaction; returns the number of entries applied.
    @discardableResult
    package func apply(_ page: PullPage) throws(SyncError) -> Int {
        try apply(try Self.verify(page))
    }

    /// Applies a verified page in one transaction; returns the number of entries applied.
    ///
    /// The page may begin at or before this node's position: another sync of the same store (`node sync` next to
    /// `node serve`) may have applied some of its entries since it was asked for. Those are not applied again; each
    /// must be the entry this node has at that sequence (the same entry hash), or the relay's history differs.
    @discardableResult
    package func apply(_ verified: VerifiedPage) throws(SyncError) -> Int {
        let page = verified.page
        let start = try position().appliedSeq
        if let first = page.entries.first, first.seq > start + 1 {
            throw SyncError(.integrity, "the relay sent entry \(first.seq) where \(start + 1) was due")
        }
        let firstSeq = page.entries.first?.seq ?? 0
        var hashes: [Int: [UInt8]] = [:]
        let count: Int
        do {
            count = try store.apply(
                verified.entries,
                check: { entry, applied in
                    let relay = page.entries[entry.seq - firstSeq]
                    try checkBase(entry, hashes: &hashes)
                    try Self.compare(applied, with: relay)
                    hashes[entry.seq] = applied.hash
                },
                applied: { entry, hash in
                    guard hash == page.entries[entry.seq - firstSeq].hash else {
                        throw SyncError(
                            .integrity, "entry \(entry.seq): the relay's entry differs from the one this node applied")
                    }
                }
            ).count
        } catch let error as SyncError {
            throw error
        } catch let error as StoreError {
            throw SyncError(.integrity, "entry refused by this node's store: \(error.message)")
        } catch {
            throw SyncError(.badInput, "this node's store failed: \(error)")
        }
        try checkHead(page.head)
        return count
    }

    private func position() throws(SyncError) -> ReplicaPosition {
        do { return try store.position() } catch {
            throw SyncError(.badInput, "cannot read this node's store: \(error)")
        }
    }

    static func decode(_ entry: PulledEntry) throws(SyncError) -> SignedChangeSet {
        do {
            return try SignedChangeSet(transport: entry.changeSet)
        } catch  where error.code == .unsupportedVersion || error.code == .unknownOperation {
            throw SyncError(.upgrade, "entry \(entry.seq): \(error.message)")
        } catch {
            throw SyncError(.integrity, "entry \(entry.seq) is not a valid change set: \(error.message)")
        }
    }

    /// Ed25519 verification of every author signature, in batches (`SignedChangeSet.verifyEach`) across the cores.
    static func verifySignatures(_ changeSets: [SignedChangeSet], seqs: [Int]) throws(SyncError) {
        let results = UnsafeMutableBufferPointer<Bool>.allocate(capacity: changeSets.count)
        results.initialize(repeating: false)
        defer { results.deallocate() }
        // Each iteration writes only its own batch's slots.
        nonisolated(unsafe) let slots = results
        let size = SignedChangeSet.verificationBatch
        DispatchQueue.concurrentPerform(iterations: (changeSets.count + size - 1) / size) { batch in
            let range = batch * size..<min(batch * size + size, changeSets.count)
            for (offset, verdict) in SignedChangeSet.verifyEach(changeSets[range]).enumerated() {
                slots[range.lowerBound + offset] = verdict
            }
        }
        if let bad = results.firstIndex(of: false) {
            throw SyncError(.integrity, "entry \(seqs[bad]) carries a bad author signature")
        }
    }

    /// The entry's base must be in this node's log: a `base_hash` that differs is a fork.
    /// Hashes looked up are remembered for the page (change sets written offline share their base).
    private func checkBase(_ entry: SequencedEntry, hashes: inout [Int: [UInt8]]) throws {
        let changeSet = entry.changeSet.changeSet
        let known = try hashes[changeSet.baseSeq] ?? store.hash(at: changeSet.baseSeq)
        if let known { hashes[changeSet.baseSeq] = known }
        guard let known, Hex.encode(known) == changeSet.baseHash else {
            throw SyncError(.integrity, "entry \(entry.seq) is based on a history this node does not have (a fork)")
        }
    }

    static func compare(_ applied: AppliedEntry, with relay: PulledEntry) throws {
        let outcome = applied.outcome.canonicalText
        if case .rejected(let rejection) = applied.outcome, rejection.op == 0,
            [ReasonCode.authUnknownKey, .authRevoked].contains(rejection.reason)
        {
            throw SyncError(.integrity, "entry \(applied.seq) is by a key unknown or revoked at that position")
        }
        guard outcome == relay.outcome, applied.digest == relay.digest else {
            throw SyncError(
                .integrity,
                "entry \(applied.seq): this node's outcome or digest differs from the relay's (run `hutsync node verify`)"
            )
        }
        guard applied.hash == relay.hash else {
            throw SyncError(.integrity, "entry \(applied.seq): the hash chain is broken")
        }
    }

    /// The head must be signed by a relay key of the registry and agree with this node at the same sequence.
    private func checkHead(_ head: SignedHead) throws(SyncError) {
        let keys: [PublicKey]
        let position = try position()
        do { keys = try store.relayKeys() } catch { throw SyncError(.badInput, "cannot read this node's store") }
        guard keys.contains(where: { head.verify(relay: $0) }) else {
            throw SyncError(.integrity, "the relay's head is not signed by the relay key")
        }
        if head.seq == position.appliedSeq, head.hash != position.headHash || head.digest != position.digest {
            throw SyncError(.integrity, "the relay's head differs from this node's at seq \(head.seq)")
        }
    }
}
