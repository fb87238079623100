package import Wire

/// A change set at its place in the log: what the apply function takes.
package struct SequencedEntry: Sendable, Hashable {
    package var seq: Int
    /// The relay's time stamp: the only clock the apply function knows.
    package var relayTime: UTCTime
    package var changeSet: SignedChangeSet

    package init(seq: Int, relayTime: UTCTime, changeSet: SignedChangeSet) {
        self.seq = seq
        self.relayTime = relayTime
        self.changeSet = changeSet
    }
}

/// What applying an entry produced, as the replica recorded it.
package struct AppliedEntry: Sendable, Hashable {
    package var seq: Int
    package var id: [UInt8]
    package var outcome: Outcome
    /// The state digest after the entry.
    package var digest: [UInt8]
    /// The entry hash (see ``EntryHash``).
    package var hash: [UInt8]
}

/// Where a replica stands.
package struct ReplicaPosition: Sendable, Hashable {
    package var appliedSeq: Int
    package var headHash: [UInt8]
    package var digest: [UInt8]
}
