import Foundation
import Relay
import Store
import SyncNode
import TestSupport
import Testing
import Wire

/// A node reads pull pages in the relay's own form straight from their bytes (`PullPage.scan`); every other form goes
/// through the JSON tree. For the relay's pages both readings give the same page; for any other form the scan
/// declines and the general reading decides.
@Suite struct PullPageScanTests {
    static let ownerID = TestID.uuid(1, kind: 0xA)
    static let property = TestID.uuid(1, kind: 0xB)

    /// A log with every kind of outcome: applied, conflicted, rejected with a reason, and with holders.
    static func page() async throws -> (bytes: [UInt8], withCounter: [UInt8]) {
        let harness = try RelayHarness()
        let owner = Fixtures.owner
        try await harness.enrolOwner(owner, id: Self.ownerID)
        let admin = harness.admin
        let setup = try harness.changeSet(
            [
                Catalogue.property(Self.property, owner: Self.ownerID), Catalogue.prices(Self.property, amount: 20000),
            ], by: admin, counter: 2)
        _ = try await harness.push([setup])
        let booked = try harness.changeSet(
            [Catalogue.book(TestID.uuid(1, kind: 1), property: Self.property, date: "2026-12-05", shift: .day)],
            by: admin, counter: 3)
        let overlapping = try harness.changeSet(
            [Catalogue.book(TestID.uuid(2, kind: 1), property: Self.property, date: "2026-12-05", shift: .fullDay)],
            by: admin, counter: 4)
        let blocked = try harness.changeSet(
            [Catalogue.block(TestID.uuid(3, kind: 2), property: Self.property, date: "2026-12-05", shift: .day)],
            by: admin, counter: 5)
        let grab = try harness.changeSet(
            [.keyGrant(KeyGrant(publicKey: String(repeating: "ab", count: 32), role: "admin"))], by: owner, counter: 1)
        _ = try await harness.push([booked, overlapping, blocked])
        _ = try await harness.push([grab], as: owner)
        let records = try harness.store.logRecords(after: 0, limit: 1000)
        let outcomes = Set(records.map(\.outcome))
        #expect(outcomes.count >= 4, "\(outcomes)")  // applied, conflicted, rejected with holders, with a reason
        let position = try harness.store.position()
        let head = SignedHead(
            seq: position.appliedSeq, hash: position.headHash, digest: position.digest, signedBy: harness.relayKey)
        return (
            PullPageJSON.write(records, head: head, nextCounter: nil),
            PullPageJSON.write(records, head: head, nextCounter: 6)
        )
    }

    @Test func theRelaysPagesAreScannedToTheSamePage() async throws {
        let (plain, withCounter) = try await Self.page()
        for bytes in [plain, withCounter] {
            let scanned = try #require(PullPage.scan(bytes))
            #expect(scanned == (try PullPage(general: bytes)))
            #expect(scanned.entries.count >= 6)
        }
        #expect(PullPage.scan(withCounter)?.nextCounter == 6)
        #expect(PullPage.scan(plain)?.nextCounter == nil)
        // An empty page (a node at the head).
        let empty =
            Array(#"{"entries":[],"head":"#.utf8)
            + Array(plain[plain.firstRange(of: Array(#""head":"#.utf8))!.upperBound...])
        #expect(PullPage.scan(empty) == (try PullPage(general: empty)))
        #expect(PullPage.scan(empty)?.entries.isEmpty == true)
    }

    /// Other forms of the same page: the scan declines each, and the general reading refuses each as well (none is
    /// canonical JSON).
    @Test func anyOtherFormIsLeftToTheGeneralReading() async throws {
        let (bytes, withCounter) = try await Self.page()
        let text = String(decoding: bytes, as: UTF8.self)
        let counted = String(decoding: withCounter, as: UTF8.self)
        let variants = [
            text.replacingOccurrences(of: #"{"entries":["#, with: #"{ "entries":["#),  // whitespace
            text.replacingOccurrences(of: #","seq":2,"#, with: #","seq":02,"#),  // a leading zero
            text.replacingOccurrences(of: #","seq":2,"#, with: #","seq":2.0,"#),  // not an integer
            String(text.dropLast()),  // truncated
            text + " ",  // trailing bytes
            text.replacingOccurrences(of: #""outcome":{"kind":"applied"}"#, with: #""outcome":{"kind":"applied" }"#),
            text.replacingOccurrences(of: #"{"change_set":{"change_set":"#, with: #"{"change_set":{"signature":"#),
            // Past canonical JSON's integers (2^53−1).
            counted.replacingOccurrences(of: #""next_counter":6}"#, with: #""next_counter":9007199254740993}"#),
        ]
        for variant in variants {
            let variantBytes = Array(variant.utf8)
            #expect(variantBytes != bytes)
            #expect(PullPage.scan(variantBytes) == nil, "\(variant.prefix(60))")
            #expect((try? PullPage(general: variantBytes)) == nil, "\(variant.prefix(60))")
            #expect((try? PullPage(json: variantBytes)) == nil)
        }
    }
}
