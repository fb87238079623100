import Foundation
import TestSupport
import Testing
import Wire

/// Process kills with the real binary, many rounds in one test at random moments: the relay SIGKILLed while
/// concurrent pushers' group commits are in flight, a node SIGKILLed while it pulls and applies a long log
/// (`KillTests+Node.swift`), and `node serve` stopped with its relay mid-pull. Each test prints its seed first;
/// `KILL_SEED=N` replays the same schedule (moments, batch sizes, keys), though where in the child's work each kill
/// lands still depends on the machine.
@Suite(.serialized) struct KillTests {
    let directory = TemporaryDirectory()
    var relayData: String { directory.file("relay") }

    static let relayRounds = 20

    /// Four authors push from their first unacknowledged counter while a follower pulls; the relay is SIGKILLed at a
    /// random moment (right after its listening line, early, or mid-burst) and restarted on the same folder, twenty
    /// times. Then: every acknowledged change set is in the log once at the seq it was answered with, every entry a
    /// pull served is still there, the log is gapless and verifies from the genesis, and re-pushing everything ever
    /// pushed sequences only what was never sequenced.
    @Test func theRelayKilledAtRandomMomentsOfGroupCommitLosesNothingAcknowledged() async throws {
        var schedule = KillSchedule("relay kills")
        let context = "KILL_SEED=\(schedule.seed)"
        #expect(try CLI.run(["relay", "init", "--data", relayData]).status == 0)
        let admin = try KeyFile.read(path: relayData + "/admin.key")
        var relay = try RelayProcess(data: relayData)
        let authors = try (0..<4).map { _ in PushingAuthor(key: try schedule.key()) }
        let grants = authors.map { Catalogue.grant($0.key, role: "reviewer") }
        try await relay.pushAll([try RelayLiveTests.changeSet(grants, by: admin, counter: 1)], key: admin)
        let ledger = KillLedger()
        for round in 1...Self.relayRounds {
            let moment = schedule.moment(within: .milliseconds(500))
            let seeds = authors.map { _ in schedule.next() }
            let traffic = Task { [relay] in
                await withTaskGroup(of: Void.self) { group in
                    for (author, seed) in zip(authors, seeds) {
                        group.addTask { await author.push(to: relay, ledger: ledger, seed: seed) }
                    }
                    group.addTask { await ledger.follow(relay, key: admin) }
                }
            }
            if moment > .zero { try await Task.sleep(for: moment) }
            relay.stop(SIGKILL)
            await traffic.value
            #expect(relay.process.terminationReason == .uncaughtSignal, "\(context), round \(round)")
            relay = try RelayProcess(data: relayData)
            let head = try await relay.head(key: admin).seq
            let acknowledged = await ledger.highestAcknowledged
            #expect(head >= acknowledged, "\(context), round \(round): head \(head), acknowledged \(acknowledged)")
            await ledger.restarted(head: head)
        }

        let log = try await relay.log(key: admin)
        let seqOf = Dictionary(log.map { ($0.id, $0.seq) }, uniquingKeysWith: { first, _ in first })
        #expect(log.map(\.seq) == Array(1...log.count), "\(context): the log has a gap")
        #expect(seqOf.count == log.count, "\(context): an entry appears twice")
        let acknowledged = await ledger.acknowledged
        let lost = acknowledged.filter { seqOf[$0.key] != $0.value }
        #expect(
            lost.isEmpty, "\(context): acknowledged but not at their seq: \(lost.map { "\($0.key) at \($0.value)" })")
        let served = await ledger.served
        let forgotten = served.filter { seq, id in seq > log.count || log[seq - 1].id != id }
        #expect(
            forgotten.isEmpty,
            "\(context): served by a pull, then gone: \(forgotten.map { "\($0.value) at \($0.key)" })")
        let violations = await ledger.violations
        #expect(violations.isEmpty, "\(context): \(violations.prefix(5))")
        for author in authors {
            let signed = await author.signed
            let entries = log.filter { $0.author == author.key.publicKey.hex }
            #expect(entries.map(\.counter) == Array(1..<(entries.count + 1)), "\(context): an author's counters")
            #expect(entries.map(\.id) == signed.prefix(entries.count).map(\.idHex), "\(context): bytes not pushed")
        }

        let resequenced = try await pushEverythingAgain(authors, to: relay, log: seqOf, context: context)
        let after = try await relay.log(key: admin)
        #expect(after.count == log.count + resequenced, "\(context): a re-push sequenced something twice")
        #expect(after.prefix(log.count).map(\.id) == log.map(\.id), "\(context): a re-push changed the log")
        #expect(Set(after.map(\.id)).count == after.count, "\(context): an entry appears twice")
        try await expectTheLogVerifies(relay, admin: admin, count: after.count, context: context)
        relay.stop(SIGTERM)
        #expect(relay.process.terminationStatus == 0)
        let (rePushed, otherAnswers) = (await ledger.answeredOnRePush, await ledger.otherAnswers)
        let cutOff = await ledger.cutOffPushes
        print(
            "relay kills: \(Self.relayRounds) rounds; \(log.count) entries; \(cutOff) pushes cut off mid-request; "
                + "\(acknowledged.count) change sets acknowledged, \(rePushed) of them sequenced before a kill and "
                + "answered on the re-push after it; "
                + "\(resequenced) never sequenced until the final re-push; other answers: \(otherAnswers)")
    }

    /// Re-pushes every change set each author ever pushed, in order: the ones in the log are answered with their seq,
    /// the others are sequenced after the head. Returns how many were sequenced.
    func pushEverythingAgain(
        _ authors: [PushingAuthor], to relay: RelayProcess, log seqOf: [String: Int], context: String
    )
        async throws -> Int
    {
        var sequenced = 0
        for author in authors {
            let signed = await author.signed
            for start in stride(from: 0, to: signed.count, by: 200) {
                let batch = Array(signed[start..<min(start + 200, signed.count)])
                let answer = try await relay.pushAnswer(batch, key: author.key)
                #expect(answer.status == 200 && answer.refusal == nil, "\(context): \(answer.refusal ?? "")")
                #expect(answer.results.map(\.id) == batch.map(\.idHex), "\(context): a re-push was not acknowledged")
                for (id, seq) in answer.results {
                    if let known = seqOf[id] {
                        #expect(seq == known, "\(context): \(id) re-pushed answered \(seq), in the log at \(known)")
                    } else {
                        #expect(seq > seqOf.count, "\(context): \(id) was sequenced inside the old log")
                        sequenced += 1
                    }
                }
            }
        }
        return sequenced
    }

    /// A node joining with the admin key pulls the whole log from the genesis, checking every signature, counter,
    /// hash and digest; `node verify` recomputes its digest from scratch.
    func expectTheLogVerifies(_ relay: RelayProcess, admin: SigningKey, count: Int, context: String) async throws {
        let verifier = directory.file("verifier")
        let joined = try CLI.run([
            "node", "init", "--data", verifier, "--relay", relay.base, "--key", relayData + "/admin.key", "--json",
        ])
        #expect(joined.status == 0, "\(context): \(joined.stderr)")
        #expect(CLI.json(joined.stdout)?["applied_seq"] as? Int == count, "\(context)")
        #expect(try CLI.run(["node", "verify", "--data", verifier]).status == 0, "\(context)")
        let status = CLI.json(try CLI.run(["node", "status", "--data", verifier, "--json"]).stdout)
        #expect(status?["digest"] as? String == (try await relay.head(key: admin)).digest, "\(context)")
    }
}
