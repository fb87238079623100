import Foundation
import TestSupport
import Testing
import Wire

/// The real binary: `relay init`, then `relay serve` under concurrent pushers, SIGTERM and SIGKILL.
@Suite(.serialized) struct RelayLiveTests {
    let directory = TemporaryDirectory()
    var data: String { directory.file("relay") }

    /// Initialises a relay and grants `count` reviewer keys through the admin; returns the admin key and the authors.
    func setUp(authors count: Int) async throws -> (SigningKey, [SigningKey], RelayProcess) {
        let created = try CLI.run(["relay", "init", "--data", data, "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let admin = try KeyFile.read(path: data + "/admin.key")
        let relay = try RelayProcess(data: data)
        let authors = (0..<count).map { _ in SigningKey.generate() }
        let grant = try Self.changeSet(authors.map { Catalogue.grant($0, role: "reviewer") }, by: admin, counter: 1)
        let (status, seqs) = try await relay.push([grant], key: admin)
        #expect(status == 200)
        #expect(seqs == [2])
        return (admin, authors, relay)
    }

    static func changeSet(_ ops: [Wire.Operation], by key: SigningKey, counter: Int) throws -> SignedChangeSet {
        try SignedChangeSet(
            signing: ChangeSet(
                author: key.publicKey, counter: counter, baseSeq: 0, baseHash: EntryHash.zero, time: UTCTime.now(),
                ops: ops),
            with: key)
    }

    /// A cheap change set: a cancel of a booking that does not exist (sequenced, rejected `booking.unknown`).
    static func filler(_ key: SigningKey, _ counter: Int) throws -> SignedChangeSet {
        try changeSet(
            [.bookingCancel(BookingCancel(bookingID: TestID.uuid(counter), reason: "test"))], by: key, counter: counter)
    }

    @Test func initRefusesAFolderThatHoldsARelay() throws {
        #expect(try CLI.run(["relay", "init", "--data", data, "--json"]).status == 0)
        let again = try CLI.run(["relay", "init", "--data", data, "--json"])
        #expect(again.status == 1)
        #expect(again.stdout.isEmpty)
        #expect(again.stderr.contains("already holds a relay"))
        let badPayee = try CLI.run([
            "relay", "init", "--data", directory.file("other"), "--payee-method", "cash", "--payee-account", "1",
            "--payee-title", "x",
        ])
        #expect(badPayee.status == 1)
        #expect(!FileManager.default.fileExists(atPath: directory.file("other")))
    }

    @Test func concurrentPushersKeepEachAuthorsOrderAndAGapFreeLog() async throws {
        let (admin, authors, relay) = try await setUp(authors: 4)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for author in authors {
                group.addTask {
                    var counter = 1
                    while counter <= 40 {
                        let batch = try (counter..<min(counter + 4, 41)).map { try Self.filler(author, $0) }
                        let (status, seqs) = try await relay.push(batch, key: author)
                        #expect(status == 200)
                        #expect(seqs.count == batch.count)
                        counter += batch.count
                    }
                }
            }
            try await group.waitForAll()
        }
        let log = try await relay.log(key: admin)
        #expect(log.map(\.seq) == Array(1...162))
        for author in authors {
            #expect(log.filter { $0.author == author.publicKey.hex }.map(\.counter) == Array(1...40))
        }
        relay.stop(SIGTERM)
        #expect(relay.process.terminationStatus == 0)
    }

    /// Pushes from several authors until the relay is stopped by `signal`; after a restart every acknowledged change
    /// set is in the log exactly once.
    func acknowledgedSurvive(_ signal: Int32) async throws {
        let (admin, authors, relay) = try await setUp(authors: 3)
        let acknowledged = Acknowledged()
        let pushers = Task {
            await withTaskGroup(of: Void.self) { group in
                for author in authors {
                    group.addTask {
                        for counter in stride(from: 1, through: 2000, by: 10) {
                            guard let batch = try? (counter..<(counter + 10)).map({ try Self.filler(author, $0) }),
                                let (status, _) = try? await relay.push(batch, key: author), status == 200
                            else { return }
                            await acknowledged.add(batch.map(\.idHex))
                        }
                    }
                }
            }
        }
        try await Task.sleep(for: .milliseconds(700))
        relay.stop(signal)
        await pushers.value
        let count = await acknowledged.ids.count
        #expect(count > 0, "nothing was acknowledged before the stop")

        let restarted = try RelayProcess(data: data)
        let log = try await restarted.log(key: admin)
        let ids = log.map(\.id)
        #expect(Set(ids).count == ids.count, "an entry appears twice")
        #expect(await acknowledged.ids.isSubset(of: Set(ids)), "an acknowledged change set was lost")
        #expect(log.map(\.seq) == Array(1...log.count))
        // The authors continue where the log says they are.
        for author in authors {
            let last = log.filter { $0.author == author.publicKey.hex }.map(\.counter).max() ?? 0
            let (status, seqs) = try await restarted.push([try Self.filler(author, last + 1)], key: author)
            #expect(status == 200)
            #expect(seqs.count == 1)
        }
        restarted.stop(SIGTERM)
    }

    @Test func sigtermDuringPushesLosesNothingAcknowledged() async throws {
        try await acknowledgedSurvive(SIGTERM)
    }

    @Test func sigkillDuringGroupCommitLosesNothingAcknowledged() async throws {
        try await acknowledgedSurvive(SIGKILL)
    }
}

actor Acknowledged {
    var ids: Set<String> = []
    func add(_ new: [String]) { ids.formUnion(new) }
}
