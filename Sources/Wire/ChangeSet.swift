/// A change set: one author's ordered, atomic batch of operations, as it is signed.
///
/// Its canonical JSON is `{"author","base_hash","base_seq","counter","ops","time","v"}`; see `docs/protocol.md`.
package struct ChangeSet: Codable, Sendable, Hashable {
    /// The format version this code reads and writes.
    package static let formatVersion = 1

    /// Format version (1).
    package var v: Int
    /// The author's Ed25519 public key, lower-case hex.
    package var author: String
    /// 1, 2, 3, … per author key, without gaps.
    package var counter: Int
    /// The last sequence the author had applied when writing (0 before any).
    package var baseSeq: Int
    /// The hash of the entry at `base_seq` (32 zero bytes for 0), lower-case hex.
    package var baseHash: String
    /// The author's wall-clock time, informational only: RFC 3339 UTC, whole seconds.
    package var time: String
    /// 1 to 64 operations, applied in order, all or none.
    package var ops: [Operation]

    package init(
        author: PublicKey, counter: Int, baseSeq: Int, baseHash: [UInt8], time: UTCTime, ops: [Operation]
    ) {
        self.v = Self.formatVersion
        self.author = author.hex
        self.counter = counter
        self.baseSeq = baseSeq
        self.baseHash = Hex.encode(baseHash)
        self.time = time.description
        self.ops = ops
    }

    /// The author's key (the envelope check guarantees it parses on a decoded change set).
    package var authorKey: PublicKey { get throws(WireError) { try PublicKey(hex: author) } }

    /// The canonical bytes of this change set, refusing one the decoder would refuse (so nothing unreadable is ever
    /// signed).
    package func canonicalBytes() throws(WireError) -> [UInt8] {
        let value: JSONValue
        do {
            value = try JSONValueEncoder.encode(self)
        } catch {
            throw WireError(.wrongType, "cannot encode the change set: \(error)")
        }
        let bytes = try CanonicalJSON.encode(value)
        _ = try Self.decode(canonical: bytes)
        return bytes
    }

    /// Reads a change set from its canonical bytes, checking structure only: canonical form, limits, the envelope,
    /// known operations, required fields with the right JSON types, and no unknown fields.
    package static func decode(canonical bytes: [UInt8]) throws(WireError) -> ChangeSet {
        let value = try CanonicalJSON.decode(bytes, maxBytes: WireLimits.changeSetBytes)
        guard case .object = value else { throw WireError(.notAnObject, "a change set is a JSON object") }
        try checkVersion(value)
        let changeSet: ChangeSet
        let readEverything: Bool
        do {
            (changeSet, readEverything) = try JSONValueDecoder.decodeTrackingReads(ChangeSet.self, from: value)
        } catch {
            throw translate(error)
        }
        try changeSet.checkEnvelope()
        // Every field the types know re-encodes to exactly what was read, so a change set whose every member was read
        // re-encodes to its bytes; re-encoding is left for the rare one that has a member they did not read.
        assert(!readEverything || reencodes(changeSet, to: bytes), "read everything, but re-encodes differently")
        guard readEverything || reencodes(changeSet, to: bytes) else {
            throw WireError(.unknownField, "unknown field \(firstExtraField(in: value, comparedTo: changeSet))")
        }
        return changeSet
    }

    /// Whether `changeSet` re-encodes to exactly `bytes`: the decoder's test for an unknown field before it tracked
    /// what it read, kept for the refusal (and, in debug builds, to check that the two tests agree).
    private static func reencodes(_ changeSet: ChangeSet, to bytes: [UInt8]) -> Bool {
        (try? CanonicalJSON.encode(try JSONValueEncoder.encode(changeSet))) == bytes
    }

    private static func checkVersion(_ value: JSONValue) throws(WireError) {
        switch value["v"] {
        case nil: throw WireError(.missingField, "missing field v")
        case .int(formatVersion): return
        case .int(let other):
            throw WireError(
                .unsupportedVersion, "format version \(other) is not known to this version: upgrade HutSync")
        case let other?: throw WireError(.wrongType, "v: expected an integer, found \(other.typeName)")
        }
    }

    private func checkEnvelope() throws(WireError) {
        guard Hex.isValid(author, byteCount: 32) else {
            throw WireError(.badEnvelope, "author: expected 64 lower-case hex characters")
        }
        guard Hex.isValid(baseHash, byteCount: 32) else {
            throw WireError(.badEnvelope, "base_hash: expected 64 lower-case hex characters")
        }
        guard counter >= 1 else { throw WireError(.badEnvelope, "counter: starts at 1") }
        guard baseSeq >= 0 else { throw WireError(.badEnvelope, "base_seq: must not be negative") }
        guard UTCTime(time) != nil else {
            throw WireError(.badEnvelope, "time: expected YYYY-MM-DDTHH:MM:SSZ")
        }
        guard !ops.isEmpty else { throw WireError(.noOperations, "a change set has at least one operation") }
        guard ops.count <= WireLimits.operationsPerChangeSet else {
            throw WireError(
                .tooManyOperations, "\(ops.count) operations is over the limit of \(WireLimits.operationsPerChangeSet)")
        }
    }
}
