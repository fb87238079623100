import Foundation
import GRDB
import Relay
import Store
import TestSupport
import Testing

@Suite struct SequencerTests {
    static let ownerID = TestID.uuid(1, kind: 0xA)

    @Test func initWritesKeysAndAGenesisAndRefusesASecondInit() throws {
        let harness = try RelayHarness()
        for path in [harness.folder.relayKeyPath, harness.folder.adminKeyPath] {
            #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        }
        #expect(try harness.store.position().appliedSeq == 1)
        let genesis = try #require(try harness.store.entries(after: 0).first)
        #expect(genesis.changeSet.changeSet.author == harness.relayKey.publicKey.hex)
        #expect(genesis.changeSet.changeSet.ops.map(\.name) == ["network.params", "key.grant", "key.grant"])
        #expect(throws: RelayError.self) { try harness.folder.initialize(payee: nil, now: RelayHarness.now) }
        #expect(try harness.store.position().appliedSeq == 1)
    }

    @Test func sequencesInOrderAndRePushingIsIdempotent() async throws {
        let harness = try RelayHarness()
        let first = try harness.changeSet([Catalogue.owner(Self.ownerID)], by: harness.admin, counter: 1)
        let answer = try await harness.push([first])
        #expect(answer.entries.map(\.seq) == [2])
        #expect(answer.entries.first?.outcome == #"{"kind":"applied"}"#)
        #expect(answer.nextCounter == 2)
        let again = try await harness.push([first])
        #expect(again.entries.map(\.seq) == [2])
        #expect(again.refusal == nil)
        #expect(try harness.store.position().appliedSeq == 2)
    }

    @Test func everyDoorRefusalLeavesTheLogUnchanged() async throws {
        let harness = try RelayHarness()
        let owner = Fixtures.owner
        try await harness.enrolOwner(owner, id: Self.ownerID)
        let head = try harness.store.position()
        let stranger = try SigningKey(seed: [UInt8](repeating: 0x0E, count: 32))
        var forged = try harness.changeSet([Catalogue.owner(Self.ownerID)], by: owner, counter: 1)
        forged = try SignedChangeSet(
            bytes: forged.bytes, signature: stranger.sign(SignedChangeSet.signaturePrefix + forged.bytes))
        let cases: [(SignedChangeSet, String)] = [
            (forged, "signature.bad"),
            (try harness.changeSet([Catalogue.owner(Self.ownerID)], by: stranger, counter: 1), "auth.unknown_key"),
            (try harness.changeSet([Catalogue.owner(Self.ownerID)], by: owner, counter: 2), "counter.gap"),
            (try harness.changeSet([Catalogue.owner(Self.ownerID)], by: harness.admin, counter: 1), "counter.reused"),
            (
                try harness.changeSet([Catalogue.owner(Self.ownerID)], by: owner, counter: 1, base: (9, head.headHash)),
                "base.mismatch"
            ),
            (
                try harness.changeSet([Catalogue.owner(Self.ownerID)], by: owner, counter: 1, base: (1, head.headHash)),
                "base.mismatch"
            ),
        ]
        for (changeSet, code) in cases {
            let answer = try await harness.push([changeSet], as: owner)
            #expect(answer.entries.isEmpty, "\(code)")
            #expect(answer.refusal?.error.code == code)
            #expect(answer.refusal?.index == 0)
            #expect(try harness.store.position() == head, "\(code) changed the log")
        }
        let status = [
            "signature.bad": 400, "auth.unknown_key": 401, "counter.gap": 409, "counter.reused": 409,
            "base.mismatch": 409,
        ]
        for (changeSet, code) in cases {
            #expect(try await harness.push([changeSet], as: owner).refusal?.error.status == status[code])
        }
    }

    @Test func aRevokedKeyIsRefusedWithItsRevocationButItsSequencedBytesStillAnswer() async throws {
        let harness = try RelayHarness()
        let owner = Fixtures.owner
        try await harness.enrolOwner(owner, id: Self.ownerID)
        let mine = try harness.changeSet([Catalogue.owner(Self.ownerID, name: "Ahmed")], by: owner, counter: 1)
        #expect(try await harness.push([mine], as: owner).entries.count == 1)
        let revoke = try harness.changeSet(
            [.keyRevoke(KeyRevoke(publicKey: owner.publicKey.hex))], by: harness.admin, counter: 2)
        let revokedAt = try #require(try await harness.push([revoke]).entries.first?.seq)
        let refused = try await harness.push(
            [try harness.changeSet([Catalogue.owner(Self.ownerID)], by: owner, counter: 2)], as: owner)
        #expect(refused.refusal?.error.code == "auth.revoked")
        #expect(refused.refusal?.error.status == 401)
        #expect(refused.refusal?.error.extra.first { $0.key == "revoked_at_seq" }?.value == .int(revokedAt))
        #expect(refused.nextCounter == 2)
        // Re-pushing what was sequenced before the revocation still answers the entry.
        #expect(try await harness.push([mine], as: owner).entries.first?.seq == 3)
    }

    @Test func aPushStopsAtItsFirstRefusal() async throws {
        let harness = try RelayHarness()
        let ok = try harness.changeSet([Catalogue.owner(Self.ownerID)], by: harness.admin, counter: 1)
        let gap = try harness.changeSet([Catalogue.owner(Self.ownerID)], by: harness.admin, counter: 3)
        let later = try harness.changeSet([Catalogue.owner(Self.ownerID)], by: harness.admin, counter: 2)
        let answer = try await harness.push([ok, gap, later])
        #expect(answer.entries.map(\.seq) == [2])
        #expect(answer.refusal?.index == 1)
        #expect(answer.refusal?.error.code == "counter.gap")
        #expect(answer.nextCounter == 2)
        #expect(try harness.store.position().appliedSeq == 2)
    }

    @Test func anUnauthorizedOperationIsSequencedAsRejected() async throws {
        let harness = try RelayHarness()
        let owner = Fixtures.owner
        try await harness.enrolOwner(owner, id: Self.ownerID)
        let grab = try harness.changeSet(
            [.keyGrant(KeyGrant(publicKey: String(repeating: "ab", count: 32), role: "admin"))], by: owner, counter: 1)
        let answer = try await harness.push([grab], as: owner)
        #expect(answer.entries.first?.outcome == #"{"kind":"rejected","op":0,"reason":"auth.role"}"#)
        #expect(answer.nextCounter == 2)
        // The refusal does not block the author's later change sets.
        let next = try harness.changeSet([Catalogue.owner(Self.ownerID, name: "A")], by: owner, counter: 2)
        #expect(try await harness.push([next], as: owner).entries.first?.outcome == #"{"kind":"applied"}"#)
    }

    @Test func concurrentPushesKeepEachAuthorsOrderAndAGapFreeLog() async throws {
        let harness = try RelayHarness()
        let authors = (0..<4).map { try! SigningKey(seed: [UInt8](repeating: 0x40 + UInt8($0), count: 32)) }
        let grants = authors.map { Catalogue.grant($0, role: "reviewer") }
        _ = try await harness.push([try harness.changeSet(grants, by: harness.admin, counter: 1)])
        // Each author pushes 25 change sets, one per push, concurrently with the others.
        let base = try harness.store.position()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for author in authors {
                group.addTask {
                    for counter in 1...25 {
                        let cs = try harness.changeSet(
                            [.bookingCancel(BookingCancel(bookingID: TestID.uuid(counter), reason: "x"))], by: author,
                            counter: counter, base: (base.appliedSeq, base.headHash))
                        let answer = try await harness.push([cs], as: author)
                        #expect(answer.refusal == nil)
                        #expect(answer.nextCounter == counter + 1)
                    }
                }
            }
            try await group.waitForAll()
        }
        let entries = try harness.store.entries(after: 0, limit: 1000)
        #expect(entries.map(\.seq) == Array(1...102))
        for author in authors {
            let counters = entries.filter { $0.changeSet.changeSet.author == author.publicKey.hex }.map(
                \.changeSet.changeSet.counter)
            #expect(counters == Array(1...25))
        }
        #expect(try harness.store.recomputeDigest() == harness.store.position().digest)
    }

    @Test func eachChangeSetOfABatchIsCheckedAgainstTheStateThePreviousOneLeft() async throws {
        let harness = try RelayHarness()
        let owner = Fixtures.owner
        try await harness.enrolOwner(owner, id: Self.ownerID)
        let head = try harness.store.position().appliedSeq
        let first = try harness.changeSet([Catalogue.owner(Self.ownerID, name: "A")], by: owner, counter: 1)
        let second = try harness.changeSet([Catalogue.owner(Self.ownerID, name: "B")], by: owner, counter: 2)
        let revoke = try harness.changeSet(
            [.keyRevoke(KeyRevoke(publicKey: owner.publicKey.hex))], by: harness.admin, counter: 2)
        let third = try harness.changeSet([Catalogue.owner(Self.ownerID, name: "C")], by: owner, counter: 3)
        let answers = try await harness.sequencer.push(batch: [
            // The second counter follows the first sequenced in the same batch; the first again is answered.
            Sequencer.Push(changeSets: [first, second, first], requester: owner.publicKey),
            Sequencer.Push(changeSets: [revoke], requester: harness.admin.publicKey),
            // The key was enrolled when the batch began, and is revoked by the entry before.
            Sequencer.Push(changeSets: [third], requester: owner.publicKey),
        ]).map { try $0.get() }
        #expect(await harness.sequencer.lastBatchSize == 3)
        #expect(answers[0].entries.map(\.seq) == [head + 1, head + 2, head + 1])
        #expect(answers[0].refusal == nil)
        #expect(answers[0].nextCounter == 3)
        #expect(answers[1].entries.map(\.seq) == [head + 3])
        #expect(answers[1].nextCounter == 3)
        #expect(answers[2].entries.isEmpty)
        #expect(answers[2].refusal?.error.code == "auth.revoked")
        #expect(answers[2].refusal?.error.extra.first { $0.key == "revoked_at_seq" }?.value == .int(head + 3))
        #expect(answers[2].nextCounter == 3)
        #expect(try harness.store.position().appliedSeq == head + 3)
        #expect(try harness.store.recomputeDigest() == harness.store.position().digest)
    }

    @Test func aBatchFindsAnEntryWrittenAfterItLookedForItInVain() throws {
        let harness = try RelayHarness()
        let changeSet = try harness.changeSet([Catalogue.owner(Self.ownerID)], by: harness.admin, counter: 1)
        try harness.store.writer.write { db in
            var view = try BatchView(db: db)
            #expect(view.head == 1)
            #expect(try view.hash(at: 2, db: db) == nil)
            let applied = try ReplicaStore.apply(
                SequencedEntry(seq: 2, relayTime: RelayHarness.now, changeSet: changeSet), in: db)
            #expect(try view.hash(at: 2, db: db) == applied.hash)
        }
    }

    @Test func aPushAnswerIsWrittenAsTheCanonicalEncodingOfItsJSON() async throws {
        let harness = try RelayHarness()
        let owner = Fixtures.owner
        try await harness.enrolOwner(owner, id: Self.ownerID)
        let first = try harness.changeSet([Catalogue.owner(Self.ownerID, name: "A")], by: owner, counter: 1)
        let gap = try harness.changeSet([Catalogue.owner(Self.ownerID, name: "B")], by: owner, counter: 5)
        let grab = try harness.changeSet(
            [.keyGrant(KeyGrant(publicKey: String(repeating: "ab", count: 32), role: "admin"))], by: owner, counter: 2)
        let revoke = try harness.changeSet(
            [.keyRevoke(KeyRevoke(publicKey: owner.publicKey.hex))], by: harness.admin, counter: 2)
        let late = try harness.changeSet([Catalogue.owner(Self.ownerID, name: "C")], by: owner, counter: 3)
        let answers = [
            try await harness.push([first, grab, first, gap], as: owner),  // applied, rejected, again, then a gap
            try await harness.push([revoke]),
            try await harness.push([late], as: owner),  // auth.revoked, with its extra members
            try await harness.push([], as: owner),
        ]
        #expect(answers.map { $0.refusal?.error.code } == ["counter.gap", nil, "auth.revoked", nil])
        for answer in answers {
            var members = [
                JSONMember(
                    "results",
                    .array(
                        try answer.entries.map { entry in
                            .object([
                                JSONMember("id", .string(Hex.encode(entry.id))), JSONMember("seq", .int(entry.seq)),
                                JSONMember("outcome", try CanonicalJSON.decode(Array(entry.outcome.utf8))),
                            ])
                        })),
                JSONMember("next_counter", .int(answer.nextCounter)),
            ]
            if let refusal = answer.refusal {
                var error = refusal.error
                error.extra.append(JSONMember("index", .int(refusal.index)))
                members.append(JSONMember("refusal", try #require(error.body["error"])))
            }
            #expect(answer.canonicalJSON == (try CanonicalJSON.encodeUnlimited(.object(members))))
        }
    }

    @Test func aPullPageIsWrittenAsTheCanonicalEncodingOfItsJSON() async throws {
        let harness = try RelayHarness()
        let owner = Fixtures.owner
        try await harness.enrolOwner(owner, id: Self.ownerID)
        let named = try harness.changeSet(
            [Catalogue.owner(Self.ownerID, name: "Ä \"quoted\" name")], by: owner, counter: 1)
        let grab = try harness.changeSet(
            [.keyGrant(KeyGrant(publicKey: String(repeating: "ab", count: 32), role: "admin"))], by: owner, counter: 2)
        _ = try await harness.push([named, grab], as: owner)  // applied, then rejected (an outcome with a reason)
        let records = try harness.store.logRecords(after: 0, limit: 1000)
        let position = try harness.store.position()
        let head = SignedHead(
            seq: position.appliedSeq, hash: position.headHash, digest: position.digest, signedBy: harness.relayKey)
        #expect(records.count >= 4)
        #expect(Set(records.map(\.outcome)).count >= 2)
        for nextCounter in [nil, 3] {
            var members = [
                JSONMember(
                    "entries",
                    .array(
                        try records.map { record in
                            .object([
                                JSONMember("seq", .int(record.seq)),
                                JSONMember("time", .string(record.relayTime.description)),
                                JSONMember(
                                    "change_set",
                                    .object([
                                        JSONMember("change_set", .string(Data(record.changeSet).base64EncodedString())),
                                        JSONMember("signature", .string(Hex.encode(record.signature))),
                                    ])),
                                JSONMember("outcome", try CanonicalJSON.decode(Array(record.outcome.utf8))),
                                JSONMember("digest", .string(Hex.encode(record.digest))),
                                JSONMember("hash", .string(Hex.encode(record.hash))),
                            ])
                        })),
                JSONMember("head", head.json),
            ]
            if let nextCounter { members.append(JSONMember("next_counter", .int(nextCounter))) }
            let written = PullPageJSON.write(records, head: head, nextCounter: nextCounter)
            #expect(written == (try CanonicalJSON.encodeUnlimited(.object(members))))
        }
    }
}
