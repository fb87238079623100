import HummingbirdTesting
import Relay
import Store
import SyncNode
import TestSupport
import Testing
import Wire

/// The security matrix: every operation kind (with the subjects the permission table distinguishes) signed by every
/// role — admin, reviewer, relay, the property's owner, another owner, a revoked key, an unknown key — pushed over
/// HTTP to a live relay, then pulled by three replicas through the real sync client (`node init` and `node sync`'s
/// code). Each cell must give the outcome `SecurityMatrix.table` fixes, on the relay and on every replica, with the
/// same digest after it; a door refusal must leave every log unchanged.
@Suite(.serialized) struct SecurityMatrixTests {
    @Test func everyOperationByEveryRoleGivesTheTablesOutcomeOnTheRelayAndEveryReplica() async throws {
        // The relay's clock runs two hours behind during the set-up and on time for the cells, so every hold made in
        // the set-up is over when the cells run. (Replicas sign their requests by the real clock, corrected by the
        // relay's `Date` header — which Hummingbird stamps from the real clock — so they sync only once it is on time.)
        let harness = try RelayHarness(genesisTime: UTCTime(seconds: UTCTime.now().seconds - 3 * 3600))
        let clock = MatrixClock(offset: -2 * 3600)
        let app = try RelayServer.build(store: harness.store, relayKey: harness.relayKey, clock: { clock.now })
        try await app.test(.live) { client in
            var network = try await MatrixNetwork(harness: harness, clock: clock, client: client)
            try await network.setUp()
            clock.offset = 0
            try await network.syncReplicas()
            try network.checkConverged()
            let cells = MatrixNetwork.allCells()
            for row in SecurityMatrix.table {
                var results: [(MatrixCell, seq: Int?)] = []
                for cell in cells where cell.variant == row.variant {
                    let (outcome, seq) = try await network.run(cell)
                    #expect(outcome == row.expected[cell.role], "\(cell)")
                    results.append((cell, seq))
                }
                try await network.syncReplicas()
                for (cell, seq) in results { try network.checkReplicas(cell, seq: seq) }
                try network.checkConverged()
            }
        }
    }

    /// A relay that skipped its door for a change set by a revoked or an unknown key (an entry a correct relay never
    /// produces): every replica stops at it with an integrity failure (`node sync` exits 3) and applies nothing.
    /// (A forged author signature and a broken chain are `NodeLiveTests`'s, through the binary.)
    @Test(arguments: [MatrixRole.revoked, .unknown])
    func aReplicaStopsAtAnEntryTheDoorShouldHaveRefused(role: MatrixRole) async throws {
        let harness = try RelayHarness(genesisTime: UTCTime(seconds: UTCTime.now().seconds - 3600))
        let clock = MatrixClock(offset: 0)
        let app = try RelayServer.build(store: harness.store, relayKey: harness.relayKey, clock: { clock.now })
        try await app.test(.live) { client in
            var network = try await MatrixNetwork(harness: harness, clock: clock, client: client)
            try await network.enrol()
            try await network.revoke()
            try await network.syncReplicas()
            let head = try harness.store.position()
            let changeSet = try network.changeSet(
                [Catalogue.owner(MatrixCell.ownerA, name: "Forged")], by: network.key(role))
            try harness.store.apply([
                SequencedEntry(seq: head.appliedSeq + 1, relayTime: clock.now, changeSet: changeSet)
            ])
            for (name, folder) in network.replicas {
                let error = await #expect(throws: SyncError.self, "\(name)") { _ = try await folder.syncOnce() }
                #expect(error?.exitCode == 3, "\(name): \(error?.message ?? "")")
                #expect(error?.message.contains("unknown or revoked") == true, "\(name)")
                #expect(try folder.open().store.position() == head, "\(name) applied the entry")
            }
        }
    }
}
