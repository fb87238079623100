/// The hash of a sequenced entry, which chains the log: BLAKE2b-256 of ``prefix`` ‖ the canonical JSON of
/// `{"digest","id","outcome","prev","seq","time"}` — the state digest after the entry, the change-set id, the
/// outcome's JSON form, the previous entry's hash (32 zero bytes before seq 1), the sequence and the relay time.
package enum EntryHash {
    package static let prefix: [UInt8] = Array("hutsync/entry/v1".utf8) + [0]
    package static let zero = [UInt8](repeating: 0, count: 32)

    package static func compute(
        seq: Int, previous: [UInt8], relayTime: UTCTime, changeSetID: [UInt8], outcome: Outcome, digest: [UInt8]
    ) -> [UInt8] {
        let value = JSONValue.object([
            JSONMember("digest", .string(Hex.encode(digest))), JSONMember("id", .string(Hex.encode(changeSetID))),
            JSONMember("outcome", outcome.json), JSONMember("prev", .string(Hex.encode(previous))),
            JSONMember("seq", .int(seq)), JSONMember("time", .string(relayTime.description)),
        ])
        // Hex strings, small integers, a reason code and a time always encode.
        let bytes = (try? CanonicalJSON.encode(value)) ?? []
        return Sodium.blake2b256(prefix + bytes)
    }
}
