import Foundation
import Relay
import Store
import TestSupport
import Wire

/// A relay initialised in a temporary folder, its sequencer, and authors that write change sets as nodes would.
struct RelayHarness {
    let directory = TemporaryDirectory()
    let folder: RelayFolder
    let relayKey: SigningKey
    let admin: SigningKey
    let store: ReplicaStore
    let sequencer: Sequencer
    static let now = UTCTime("2026-11-25T06:00:00Z")!

    /// `genesisTime`: the genesis's relay time (the sequencer below keeps the clock at `now`).
    init(genesisTime: UTCTime = Self.now) throws {
        folder = RelayFolder(path: directory.file("relay"))
        _ = try folder.initialize(payee: nil, now: genesisTime)
        admin = try KeyFile.read(path: folder.adminKeyPath)
        let (key, store) = try folder.open()
        relayKey = key
        self.store = store
        sequencer = try Sequencer(store: store, clock: { Self.now })
    }

    /// A change set by `key` with `counter`, based on the relay's current head (or the given base).
    func changeSet(_ ops: [Wire.Operation], by key: SigningKey, counter: Int, base: (Int, [UInt8])? = nil) throws
        -> SignedChangeSet
    {
        let position = try store.position()
        let (baseSeq, baseHash) = base ?? (position.appliedSeq, position.headHash)
        return try SignedChangeSet(
            signing: ChangeSet(
                author: key.publicKey, counter: counter, baseSeq: baseSeq, baseHash: baseHash, time: Self.now, ops: ops),
            with: key)
    }

    func push(_ changeSets: [SignedChangeSet], as requester: SigningKey? = nil) async throws -> Sequencer.PushAnswer {
        try await sequencer.push(Sequencer.Push(changeSets: changeSets, requester: (requester ?? admin).publicKey))
    }

    /// Enrols owner A (owner record and key grant) through the admin; returns the admin's next counter.
    func enrolOwner(_ owner: SigningKey, id: String) async throws {
        let answer = try await push([
            try changeSet(
                [Catalogue.owner(id), Catalogue.grant(owner, role: "owner", owner: id)], by: admin, counter: 1)
        ])
        precondition(answer.refusal == nil && answer.entries.count == 1)
    }
}
