import Foundation
import GRDB
import Store
import TestSupport
import Testing
import Wire

/// Nodes with the real binary against a live relay: enrolment, convergence, integrity failures, crash safety.
@Suite(.serialized) struct NodeLiveTests {
    let directory = TemporaryDirectory()
    var relayData: String { directory.file("relay") }

    func node(_ name: String) -> String { directory.file(name) }

    /// Puts a copied relay database back, with no write-ahead log of the newer one beside it (SQLite would replay it).
    func restoreRelay(from backup: String) throws {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: relayData + "/relay.sqlite" + suffix)
        }
        try FileManager.default.copyItem(atPath: backup, toPath: relayData + "/relay.sqlite")
    }

    /// A relay with a known genesis hash, serving; and the admin key.
    func startRelay() throws -> (RelayProcess, SigningKey, String) {
        let created = try CLI.run(["relay", "init", "--data", relayData, "--json"])
        let genesis = try #require(CLI.json(created.stdout)?["genesis_hash"] as? String)
        return (try RelayProcess(data: relayData), try KeyFile.read(path: relayData + "/admin.key"), genesis)
    }

    static func changeSet(_ ops: [Wire.Operation], by key: SigningKey, counter: Int) throws -> SignedChangeSet {
        try RelayLiveTests.changeSet(ops, by: key, counter: counter)
    }

    func status(_ data: String) throws -> [String: Any] {
        let result = try CLI.run(["node", "status", "--data", data, "--json"])
        return try #require(CLI.json(result.stdout), "\(result.stderr)")
    }

    @Test func anOwnerIsEnrolledAndEveryReplicaConverges() async throws {
        let (relay, admin, genesis) = try startRelay()
        let adminInit = try CLI.run([
            "node", "init", "--data", node("admin"), "--relay", relay.base, "--key", relayData + "/admin.key",
            "--genesis-hash", genesis, "--json",
        ])
        #expect(adminInit.status == 0, "\(adminInit.stderr)")
        #expect(try status(node("admin"))["role"] as? String == "admin")

        let ownerInit = try CLI.run(["node", "init", "--data", node("owner"), "--relay", relay.base, "--json"])
        #expect(ownerInit.status == 0, "\(ownerInit.stderr)")
        let ownerKey = try #require(CLI.json(ownerInit.stdout)?["public_key"] as? String)
        #expect(CLI.json(ownerInit.stdout)?["applied_seq"] as? Int == 1)
        #expect(try status(node("owner"))["role"] is NSNull)
        let early = try CLI.run(["node", "sync", "--data", node("owner"), "--json"])
        #expect(early.status == 4)
        #expect(early.stderr.contains("key grant --public-key \(ownerKey)"))
        // A local write before the grant arrives: refused in the write's own transaction, nothing queued.
        let unenrolled = try CLI.run([
            "node", "owner", "add", "--data", node("owner"), "--name", "Bilal", "--phone", "0300 7654321", "--json",
        ])
        #expect(unenrolled.status == 4)
        #expect(unenrolled.stderr.contains("this node's key is not enrolled yet"), "\(unenrolled.stderr)")
        #expect(try status(node("owner"))["pending"] as? Int == 0)

        // The admin node enrols the owner: owner add, then a grant naming the owner still in its outbox.
        let added = try CLI.run([
            "node", "owner", "add", "--data", node("admin"), "--name", "Ahmed Ali", "--phone", "0300 1234567", "--json",
        ])
        let ownerID = try #require(CLI.json(added.stdout)?["owner_id"] as? String, "\(added.stderr)")
        let granted = try CLI.run([
            "node", "key", "grant", "--data", node("admin"), "--public-key", ownerKey, "--role", "owner", "--owner",
            ownerID, "--json",
        ])
        #expect(CLI.json(granted.stdout)?["provisional"] as? Bool == true, "\(granted.stderr)")
        #expect(try status(node("admin"))["pending"] as? Int == 2)
        let outbox = try #require(
            CLI.json(try CLI.run(["node", "outbox", "--data", node("admin"), "--json"]).stdout)?["outbox"]
                as? [[String: Any]])
        #expect(outbox.map { $0["operations"] as? [String] } == [["owner.put"], ["key.grant"]])
        #expect(outbox.map { $0["counter"] as? Int } == [1, 2])
        // A write the local view refuses: one line, exit 1, nothing added to the outbox.
        let refused = try CLI.run([
            "node", "key", "grant", "--data", node("admin"), "--public-key", ownerKey, "--role", "reviewer", "--json",
        ])
        #expect(refused.status == 1)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr.contains("key.exists"))
        #expect(try status(node("admin"))["pending"] as? Int == 2)
        // Owners may not add owners: refused by the apply rules, locally.
        #expect(
            try CLI.run(["node", "owner", "add", "--data", node("owner"), "--name", "X", "--phone", "03001234567"])
                .status == 4)

        let adminSync = try CLI.run(["node", "sync", "--data", node("admin"), "--json"])
        #expect(CLI.json(adminSync.stdout)?["pushed"] as? Int == 2, "\(adminSync.stderr)")
        #expect(try status(node("admin"))["pending"] as? Int == 0)
        for name in ["owner", "admin"] {
            let sync = try CLI.run(["node", "sync", "--data", node(name), "--json"])
            #expect(sync.status == 0, "\(name): \(sync.stderr)")
            #expect(CLI.json(sync.stdout)?["applied_seq"] as? Int == 3)
            #expect(CLI.json(sync.stdout)?["pushed"] as? Int == 0)
        }
        let owner = try status(node("owner"))
        #expect(owner["role"] as? String == "owner")
        #expect(owner["owner_id"] as? String == ownerID)
        let relayHead = try await relay.head(key: admin)
        #expect(owner["digest"] as? String == relayHead.digest)
        #expect(try status(node("admin"))["digest"] as? String == relayHead.digest)
        // The imported admin key continues its counter: its next write is counter 3.
        #expect(try ReplicaStore(path: node("admin") + "/node.sqlite").meta("next_counter") == "3")
        // A second admin node importing the same key continues its counter (3): no re-signing, no refusal.
        #expect(
            try CLI.run([
                "node", "init", "--data", node("admin2"), "--relay", relay.base, "--key", relayData + "/admin.key",
            ]).status == 0)
        #expect(
            try CLI.run([
                "node", "owner", "add", "--data", node("admin2"), "--name", "Second", "--phone", "03001234567",
            ]).status == 0)
        let listed =
            CLI.json(try CLI.run(["node", "outbox", "--data", node("admin2"), "--json"]).stdout)?["outbox"]
            as? [[String: Any]]
        #expect(listed?.first?["counter"] as? Int == 3)
        let second = try CLI.run(["node", "sync", "--data", node("admin2"), "--json"])
        #expect(second.status == 0)
        #expect(!second.stderr.contains("re-signed"))
        #expect(CLI.json(second.stdout)?["pushed"] as? Int == 1)
        let owner2 = try CLI.run([
            "node", "owner", "add", "--data", node("owner"), "--name", "Not allowed", "--phone", "03001234567",
        ])
        #expect(owner2.status == 1)
        #expect(owner2.stderr.contains("auth.not_owner"))
        #expect(try CLI.run(["node", "verify", "--data", node("owner"), "--json"]).status == 0)
        let rebuilt = try CLI.run(["node", "rebuild", "--data", node("owner"), "--json"])
        #expect(CLI.json(rebuilt.stdout)?["digest"] as? String == relayHead.digest)
        // A rebuild keeps what is still in the outbox (and the relay it syncs with): the write is pushed after it.
        #expect(try CLI.run(["node", "sync", "--data", node("admin")]).status == 0)
        #expect(
            try CLI.run(["node", "owner", "add", "--data", node("admin"), "--name", "Later", "--phone", "03001234567"])
                .status == 0)
        #expect(try CLI.run(["node", "rebuild", "--data", node("admin")]).status == 0)
        #expect(try status(node("admin"))["pending"] as? Int == 1)
        let afterRebuild = try CLI.run(["node", "sync", "--data", node("admin"), "--json"])
        #expect(CLI.json(afterRebuild.stdout)?["pushed"] as? Int == 1, "\(afterRebuild.stderr)")
        relay.stop(SIGTERM)
    }

    @Test func aDoorRefusalOnARevokedKeyIsReportedAndTheChangeSetKept() async throws {
        let (relay, admin, _) = try startRelay()
        #expect(
            try CLI.run([
                "node", "init", "--data", node("admin"), "--relay", relay.base, "--key", relayData + "/admin.key",
            ]).status == 0)
        let reviewer = try CLI.run(["node", "init", "--data", node("reviewer"), "--relay", relay.base, "--json"])
        let reviewerKey = try #require(CLI.json(reviewer.stdout)?["public_key"] as? String)
        #expect(
            try CLI.run([
                "node", "key", "grant", "--data", node("admin"), "--public-key", reviewerKey, "--role", "admin",
            ]).status == 0)
        #expect(try CLI.run(["node", "sync", "--data", node("admin")]).status == 0)
        #expect(try CLI.run(["node", "sync", "--data", node("reviewer")]).status == 0)
        // The second admin writes offline; meanwhile the first revokes it.
        #expect(
            try CLI.run([
                "node", "owner", "add", "--data", node("reviewer"), "--name", "Late", "--phone", "03001234567",
            ]).status == 0)
        #expect(
            try CLI.run(["node", "key", "revoke", "--data", node("admin"), "--public-key", reviewerKey]).status == 0)
        #expect(try CLI.run(["node", "sync", "--data", node("admin")]).status == 0)
        let refused = try CLI.run(["node", "sync", "--data", node("reviewer"), "--json"])
        #expect(refused.status == 4)
        #expect(refused.stderr.contains("revoked at seq"))
        #expect(refused.stderr.contains("1 change sets not accepted (kept in the outbox)"))
        #expect(refused.stdout.isEmpty)
        // Nothing is discarded: the change set is still in the outbox.
        #expect(try status(node("reviewer"))["pending"] as? Int == 1)
        _ = admin
        relay.stop(SIGTERM)
    }

    @Test func initFailuresLeaveNoFolderBehind() throws {
        let (relay, _, _) = try startRelay()
        let wrong = try CLI.run([
            "node", "init", "--data", node("a"), "--relay", relay.base, "--genesis-hash",
            String(repeating: "0", count: 64), "--json",
        ])
        #expect(wrong.status == 3)
        #expect(wrong.stdout.isEmpty)
        let unreachable = try CLI.run(["node", "init", "--data", node("b"), "--relay", "http://127.0.0.1:1", "--json"])
        #expect(unreachable.status == 2)
        let insecure = try CLI.run(["node", "init", "--data", node("c"), "--relay", "http://192.0.2.1:8080", "--json"])
        #expect(insecure.status == 1)
        #expect(insecure.stderr.contains("--insecure"))
        let contents = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(contents == ["relay"])
        relay.stop(SIGTERM)
    }

    /// A node whose idea of the relay's clock is an hour off signs requests the relay refuses (`auth.clock_skew`):
    /// it learns the offset from that answer's `Date` and retries once, so the sync goes through and the stored
    /// offset is corrected.
    @Test func aNodeWithAWrongClockOffsetSyncsAfterOneRetry() async throws {
        let (relay, admin, _) = try startRelay()
        #expect(
            try CLI.run(["node", "init", "--data", node("a"), "--relay", relay.base, "--key", relayData + "/admin.key"])
                .status == 0)
        try await relay.fill(admin: admin, adminCounter: 1, count: 3)
        let store = try DatabaseQueue(path: node("a") + "/node.sqlite")
        try await store.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO local_meta (key, value) VALUES ('clock_offset_s', '3600')")
        }
        try store.close()
        #expect(try status(node("a"))["clock_offset_s"] as? Int == 3600)
        let synced = try CLI.run(["node", "sync", "--data", node("a"), "--json"])
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(CLI.json(synced.stdout)?["applied_seq"] as? Int == (try await relay.head(key: admin)).seq)
        let offset = try #require(try status(node("a"))["clock_offset_s"] as? Int)
        #expect(abs(offset) <= 2)
        relay.stop(SIGTERM)
    }

    /// A `node init` killed mid-pull leaves its staging folder (a partial replica) beside the target: the next
    /// `node init` for that target removes it, but not one another `node init` is still building (its lock held).
    @Test func nodeInitRemovesTheStagingFoldersOfKilledInits() throws {
        let (relay, _, _) = try startRelay()
        let target = node("d")
        let abandoned = target + ".init-0badf00d"
        let building = target + ".init-0b5e55ed"
        let fresh = target + ".init-0ca11ed0"  // no lock file yet: an init may have just created it
        let notStaging = target + ".init-backup"  // a folder of the user's, named alike
        for folder in [abandoned, building, fresh, notStaging] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: folder + "/node.sqlite", contents: Data(count: 4096)))
        }
        for folder in [abandoned, notStaging] {
            #expect(FileManager.default.createFile(atPath: folder + "/node.lock", contents: nil))
        }
        let held = open(building + "/node.lock", O_RDWR | O_CREAT, 0o600)
        defer { close(held) }
        #expect(flock(held, LOCK_EX) == 0)

        let created = try CLI.run(["node", "init", "--data", target, "--relay", relay.base, "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(FileManager.default.fileExists(atPath: building + "/node.sqlite"))
        #expect(FileManager.default.fileExists(atPath: fresh + "/node.sqlite"))
        #expect(FileManager.default.fileExists(atPath: notStaging + "/node.sqlite"))
        #expect(FileManager.default.fileExists(atPath: target + "/node.sqlite"))

        // A folder that is not empty is refused before anything is fetched, and kept as it was (the finished node
        // replaces the folder whole).
        let occupied = node("e")
        try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: occupied + "/notes.txt", contents: Data("mine".utf8)))
        let refused = try CLI.run(["node", "init", "--data", occupied, "--relay", relay.base])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not empty"), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: occupied) == ["notes.txt"])
        relay.stop(SIGTERM)
    }

    @Test func aTamperedRelayStopsTheNodeAndItRecoversOnceTheCauseIsGone() async throws {
        var (relay, admin, _) = try startRelay()
        #expect(
            try CLI.run([
                "node", "init", "--data", node("n"), "--relay", relay.base, "--key", relayData + "/admin.key", "--json",
            ]).status == 0)
        try await relay.fill(admin: admin, adminCounter: 1, count: 20)
        let backup = directory.file("relay-backup.sqlite")
        relay.stop(SIGTERM)
        // A consistent copy through SQLite's backup API (the write-ahead log included), as operations.md advises.
        try DatabaseQueue(path: relayData + "/relay.sqlite").backup(to: DatabaseQueue(path: backup))

        // A relay whose digest for the last entry was altered: the node refuses the page and keeps its state.
        let tampered = try DatabaseQueue(path: relayData + "/relay.sqlite")
        try await tampered.write { db in
            try db.execute(sql: "UPDATE log SET digest = zeroblob(32) WHERE seq = (SELECT max(seq) FROM log)")
        }
        try tampered.close()
        relay = try RelayProcess(data: relayData, port: relay.port)
        let refused = try CLI.run(["node", "sync", "--data", node("n"), "--json"])
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("digest"))
        #expect(try status(node("n"))["applied_seq"] as? Int == 1)
        relay.stop(SIGTERM)

        // A forged author signature, and a broken hash chain: each stops the node too.
        for (column, expected) in [("signature", "bad author signature"), ("hash", "hash chain is broken")] {
            try restoreRelay(from: backup)
            let queue = try DatabaseQueue(path: relayData + "/relay.sqlite")
            try await queue.write { db in
                try db.execute(
                    sql: "UPDATE log SET \(column) = zeroblob(length(\(column))) WHERE seq = (SELECT max(seq) FROM log)"
                )
            }
            try queue.close()
            relay = try RelayProcess(data: relayData, port: relay.port)
            let stopped = try CLI.run(["node", "sync", "--data", node("n"), "--json"])
            #expect(stopped.status == 3, "\(column)")
            #expect(stopped.stderr.contains(expected), "\(stopped.stderr)")
            #expect(try status(node("n"))["applied_seq"] as? Int == 1)
            relay.stop(SIGTERM)
        }

        // The cause is gone (the relay's good copy is back): the node syncs.
        try restoreRelay(from: backup)
        relay = try RelayProcess(data: relayData, port: relay.port)
        let healed = try CLI.run(["node", "sync", "--data", node("n"), "--json"])
        #expect(healed.status == 0, "\(healed.stderr)")
        #expect(try status(node("n"))["digest"] as? String == (try await relay.head(key: admin)).digest)

        // A relay restored from an older backup is behind this node: refused.
        try await relay.fill(admin: admin, adminCounter: 2, count: 5)
        #expect(try CLI.run(["node", "sync", "--data", node("n"), "--json"]).status == 0)
        relay.stop(SIGTERM)
        try restoreRelay(from: backup)
        relay = try RelayProcess(data: relayData, port: relay.port)
        let behind = try CLI.run(["node", "sync", "--data", node("n"), "--json"])
        #expect(behind.status == 3)
        #expect(behind.stderr.contains("behind"))
        relay.stop(SIGTERM)
    }

    @Test func aNodeKilledMidPullAppliesEveryEntryExactlyOnce() async throws {
        let (relay, admin, _) = try startRelay()
        #expect(
            try CLI.run([
                "node", "init", "--data", node("n"), "--relay", relay.base, "--key", relayData + "/admin.key", "--json",
            ]).status == 0)
        try await relay.fill(admin: admin, adminCounter: 1, count: 3000)
        // How long pulling the whole log takes here (an init with a key pulls to the head), on a second node; then
        // kill the first node's sync at fractions of that.
        let started = ContinuousClock.now
        #expect(
            try CLI.run([
                "node", "init", "--data", node("probe"), "--relay", relay.base, "--key", relayData + "/admin.key",
                "--json",
            ]).status == 0)
        let whole = ContinuousClock.now - started
        var interrupted = 0
        for fraction in [0.35, 0.6, 0.85] {
            let process = try Launch.spawn(["node", "sync", "--data", node("n"), "--json"])
            try await Task.sleep(for: whole * fraction)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { interrupted += 1 }
        }
        #expect(interrupted > 0, "every sync finished before its kill")
        let final = try CLI.run(["node", "sync", "--data", node("n"), "--json"])
        #expect(final.status == 0, "\(final.stderr)")
        let head = try await relay.head(key: admin)
        let state = try status(node("n"))
        #expect(state["applied_seq"] as? Int == head.seq)
        #expect(state["digest"] as? String == head.digest)
        #expect(try CLI.run(["node", "verify", "--data", node("n"), "--json"]).status == 0)
        let logCount = try await DatabaseQueue(path: node("n") + "/node.sqlite").read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM log")
        }
        #expect(logCount == head.seq)
        relay.stop(SIGTERM)
    }
}

extension NodeLiveTests {
    /// Two relays with the same genesis whose logs diverge at seq 2 (a relay answering two nodes differently).
    func forkedRelays() async throws -> (RelayProcess, RelayProcess, SigningKey) {
        _ = try CLI.run(["relay", "init", "--data", relayData, "--json"])
        try FileManager.default.copyItem(atPath: relayData, toPath: directory.file("relay2"))
        let admin = try KeyFile.read(path: relayData + "/admin.key")
        let first = try RelayProcess(data: relayData)
        let second = try RelayProcess(data: directory.file("relay2"))
        #expect(
            try await first.push(
                [try Self.changeSet([Catalogue.owner(TestID.uuid(1, kind: 0xA))], by: admin, counter: 1)], key: admin
            ).0 == 200)
        let otherTwo = try Self.changeSet([Catalogue.owner(TestID.uuid(2, kind: 0xA))], by: admin, counter: 1)
        #expect(try await second.push([otherTwo], key: admin).0 == 200)
        return (first, second, admin)
    }

    func pointNode(_ data: String, at relay: RelayProcess) throws {
        try ReplicaStore(path: data + "/node.sqlite").setMeta(["relay_url": relay.base])
    }

    @Test func aForkedRelayStopsTheNode() async throws {
        let (first, second, admin) = try await forkedRelays()
        #expect(
            try CLI.run(["node", "init", "--data", node("n"), "--relay", first.base, "--key", relayData + "/admin.key"])
                .status == 0)
        // A change set based on the second relay's seq 2, pushed by another node of that relay.
        let secondHead = try await second.head(key: admin)
        let (_, page) = try await second.request("GET", "/v1/pull", query: "after=1", key: admin)
        let hashTwo = try #require(((page["entries"] as? [[String: Any]])?.first?["hash"]) as? String)
        let based = try SignedChangeSet(
            signing: ChangeSet(
                author: admin.publicKey, counter: 2, baseSeq: 2, baseHash: try Hex.decode(hashTwo), time: UTCTime.now(),
                ops: [Catalogue.owner(TestID.uuid(3, kind: 0xA))]),
            with: admin)
        #expect(try await second.push([based], key: admin).0 == 200)
        #expect(secondHead.seq == 2)

        try pointNode(node("n"), at: second)
        let fork = try CLI.run(["node", "sync", "--data", node("n"), "--json"])
        #expect(fork.status == 3)
        #expect(fork.stderr.contains("fork") || fork.stderr.contains("differs"), "\(fork.stderr)")
        #expect(try status(node("n"))["applied_seq"] as? Int == 2)
        first.stop(SIGTERM)
        second.stop(SIGTERM)
    }

    @Test func aPushBasedOnHistoryTheRelayLacksIsBaseMismatch() async throws {
        let (first, second, _) = try await forkedRelays()
        #expect(
            try CLI.run(["node", "init", "--data", node("n"), "--relay", first.base, "--key", relayData + "/admin.key"])
                .status == 0)
        // Written on the first relay's history (seq 2), pushed to the second.
        #expect(
            try CLI.run(["node", "owner", "add", "--data", node("n"), "--name", "Forked", "--phone", "03001234567"])
                .status == 0)
        try pointNode(node("n"), at: second)
        let refused = try CLI.run(["node", "sync", "--data", node("n"), "--json"])
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("restored from an older backup"), "\(refused.stderr)")
        #expect(try status(node("n"))["pending"] as? Int == 0)  // not pushable any more
        #expect(try CLI.run(["node", "outbox", "--data", node("n"), "--json"]).stdout.contains("base.mismatch"))
        first.stop(SIGTERM)
        second.stop(SIGTERM)
    }
}

extension NodeLiveTests {
    @Test func aNodeRestoredFromABackupReSignsItsTakenCounters() async throws {
        let (relay, admin, _) = try startRelay()
        #expect(
            try CLI.run(["node", "init", "--data", node("n"), "--relay", relay.base, "--key", relayData + "/admin.key"])
                .status == 0)
        try FileManager.default.copyItem(atPath: node("n"), toPath: node("backup"))
        #expect(
            try CLI.run(["node", "owner", "add", "--data", node("n"), "--name", "Before", "--phone", "03001234567"])
                .status == 0)
        #expect(try CLI.run(["node", "sync", "--data", node("n")]).status == 0)
        // Restore the backup, which does not know counter 1 was used, and write again.
        try FileManager.default.removeItem(atPath: node("n"))
        try FileManager.default.moveItem(atPath: node("backup"), toPath: node("n"))
        #expect(
            try CLI.run(["node", "owner", "add", "--data", node("n"), "--name", "After", "--phone", "03001234567"])
                .status == 0)
        let sync = try CLI.run(["node", "sync", "--data", node("n"), "--json"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stderr.contains("re-signed 1 change sets"))
        let state = try status(node("n"))
        #expect(state["pending"] as? Int == 0)
        #expect(state["digest"] as? String == (try await relay.head(key: admin)).digest)
        let owners = try await ReplicaStore(path: node("n") + "/node.sqlite").writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM owners ORDER BY name")
        }
        #expect(owners == ["After", "Before"])
        relay.stop(SIGTERM)
    }

    @Test func writesKilledMidwayLeaveAConsistentOutbox() async throws {
        let (relay, admin, _) = try startRelay()
        #expect(
            try CLI.run(["node", "init", "--data", node("n"), "--relay", relay.base, "--key", relayData + "/admin.key"])
                .status == 0)
        for attempt in 0..<12 {
            let process = try Launch.spawn([
                "node", "owner", "add", "--data", node("n"), "--name", "Owner \(attempt)", "--phone", "03001234567",
            ])
            try await Task.sleep(for: .milliseconds(5 * attempt))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let store = try ReplicaStore(path: node("n") + "/node.sqlite")
        let counters = try store.outboxListing().map(\.counter)
        #expect(counters == Array(1..<(counters.count + 1)), "the outbox has a gap: \(counters)")
        #expect(try store.pendingChangeSets().allSatisfy { $0.verify() })
        let sync = try CLI.run(["node", "sync", "--data", node("n"), "--json"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(CLI.json(sync.stdout)?["pushed"] as? Int == counters.count)
        #expect(try status(node("n"))["digest"] as? String == (try await relay.head(key: admin)).digest)
        relay.stop(SIGTERM)
    }
}
