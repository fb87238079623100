/// The hash of a sequenced entry, which chains the log: BLAKE2b-256 of ``prefix`` ‖ the canonical JSON of
/// `{"digest","id","outcome","prev","seq","time"}` — the state digest after the entry, the change-set id, the
/// outcome's JSON form, the previous entry's hash (32 zero bytes before seq 1), the sequence and the relay time.
package enum EntryHash {
    package static let prefix: [UInt8] = Array("hutsync/entry/v1".utf8) + [0]
    package static let zero = [UInt8](repeating: 0, count: 32)

    package static func compute(
        seq: Int, previous: [UInt8], relayTime: UTCTime, changeSetID: [UInt8], outcome: Outcome, digest: [UInt8]
    ) -> [UInt8] {
        Sodium.blake2b256(
            input(
                seq: seq, previous: previous, relayTime: relayTime, changeSetID: changeSetID,
                outcome: outcome, digest: digest))
    }

    /// What is hashed, written directly (apply computes it for every entry): the members in canonical order, each
    /// value as canonical JSON writes it — hex strings, the outcome's canonical text, an integer and a time, none
    /// of which needs escaping.
    package static func input(
        seq: Int, previous: [UInt8], relayTime: UTCTime, changeSetID: [UInt8], outcome: Outcome, digest: [UInt8]
    ) -> [UInt8] {
        var out = prefix
        out.reserveCapacity(prefix.count + 320)
        out.append(contentsOf: #"{"digest":""#.utf8)
        Hex.append(digest, to: &out)
        out.append(contentsOf: #"","id":""#.utf8)
        Hex.append(changeSetID, to: &out)
        out.append(contentsOf: #"","outcome":"#.utf8)
        out.append(contentsOf: outcome.canonicalText.utf8)
        out.append(contentsOf: #","prev":""#.utf8)
        Hex.append(previous, to: &out)
        out.append(contentsOf: #"","seq":"#.utf8)
        out.append(contentsOf: String(seq).utf8)
        out.append(contentsOf: #","time":""#.utf8)
        out.append(contentsOf: relayTime.description.utf8)
        out.append(contentsOf: #""}"#.utf8)
        return out
    }
}
