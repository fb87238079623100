import Foundation
import GRDB
import Store
import TestSupport
import Testing

/// The digest and entry-hash vector of docs/protocol.md: a small fixed log, and the outcome, digest and hash after
/// each entry. `HUTSYNC_WRITE_VECTORS=1 swift test --filter DigestVectorTests` rewrites the file after a deliberate
/// change of the rules.
@Suite struct DigestVectorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let path = root.appendingPathComponent("docs/vectors/digest-v1.json").path

    static func log() -> [SequencedEntry] {
        var log = LogBuilder(time: UTCTime("2026-11-25T05:00:00Z")!)
        let owner = Fixtures.owner
        let ownerID = "0b7e8c52-3f4a-4d6b-8e9c-1a2b3c4d5e6f"
        let property = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
        let night = "7e4a1c9b-2d5f-4b8e-a0c3-6f9d2b5e8a1c"
        let later = "8f5b2d0c-3e6a-4c9f-b1d4-7a0e3c6f9b2d"
        let proof = "1c3e5a7b-9d0f-4b2d-8e4a-6c8e0a2c4e6a"
        let txn = DerivedHashes.txnHash(method: "jazzcash", transactionID: "TX-20261125-0001")
        return [
            log.genesis(),
            log.entry(
                [Catalogue.owner(ownerID, name: "احمد علی"), Catalogue.grant(owner, role: "owner", owner: ownerID)],
                by: log.admin),
            log.entry(
                [Catalogue.property(property, owner: ownerID), Catalogue.prices(property, amount: 28000)], by: owner),
            log.entry(
                [
                    Catalogue.book(
                        "3a1f5c7e-9b2d-4f6a-8c0e-2b4d6f8a0c1e", property: property, date: "2026-12-05",
                        shift: .fullNight)
                ], by: owner),
            log.entry(
                [
                    Catalogue.book(
                        "5b2e6d8f-0c3e-4a7b-9d1f-3c5e7a9b1d2f", property: property, date: "2026-12-06", shift: .day)
                ], by: log.admin),
            log.entry(
                [
                    Catalogue.block(
                        "c4e6a8b0-d2f4-4a6c-9e0b-3d5f7a9c1e2b", property: property, date: "2026-12-05", shift: .night)
                ], by: owner),
            log.entry(
                [
                    .bookingCancel(
                        BookingCancel(bookingID: "3a1f5c7e-9b2d-4f6a-8c0e-2b4d6f8a0c1e", reason: "customer called"))
                ], by: owner),
            // The lifecycle: a Night booking on 2026-11-25, its proof, what the extractor read, a rejection, the
            // Conflicted Day booking reinstated, a confirmation, completion at the shift's end, and an expiry.
            log.entry([Catalogue.book(night, property: property, date: "2026-11-25", shift: .night)], by: owner),
            log.entry(
                [
                    .bookingPayment(
                        BookingPayment(
                            proofID: proof, bookingID: night, method: "jazzcash", amount: 5000, txnHash: txn,
                            sealed: []))
                ], by: owner),
            log.entry(
                [
                    .paymentExtracted(
                        PaymentExtracted(
                            proofID: proof, bookingID: night, amount: 4000, receiverAccount: "0301-1234567",
                            paidAt: "2026-11-25T04:50:00Z", extractor: "gemini-2.5-flash"))
                ], by: log.admin),
            log.entry(
                [.bookingRejectPayment(BookingRejectPayment(bookingID: night, reason: "only 4000 arrived"))], by: owner),
            log.entry(
                [
                    .bookingReinstate(
                        BookingReinstate(bookingID: "5b2e6d8f-0c3e-4a7b-9d1f-3c5e7a9b1d2f", status: "Confirmed"))
                ],
                by: log.admin),
            log.entry([.bookingConfirm(BookingConfirm(bookingID: night, actor: "owner"))], by: owner),
            log.entry([.bookingComplete(BookingComplete(bookingID: night))], by: log.relay, advancing: 72_000),
            log.entry([Catalogue.book(later, property: property, date: "2026-12-10", shift: .day)], by: owner),
            log.entry([.bookingExpire(BookingExpire(bookingID: later))], by: log.relay, advancing: 1800),
        ]
    }

    static func computed() throws -> String {
        let directory = TemporaryDirectory()
        let store = try ReplicaStore(path: directory.file("vector.sqlite"))
        var entries: [String] = []
        for entry in log() {
            let applied = try store.apply([entry])[0]
            let outcome = String(decoding: try CanonicalJSON.encode(applied.outcome.json), as: UTF8.self)
            let transport = String(decoding: try CanonicalJSON.encode(entry.changeSet.transport), as: UTF8.self)
            entries.append(
                """
                    {"seq": \(applied.seq), "relay_time": "\(entry.relayTime)", "author": "\(entry.changeSet.changeSet.author)",
                     "change_set_id": "\(Hex.encode(applied.id))", "outcome": \(outcome),
                     "digest": "\(Hex.encode(applied.digest))", "hash": "\(Hex.encode(applied.hash))",
                     "signed_change_set": \(transport)}
                """)
        }
        var encodings: [[UInt8]] = []
        try store.writer.read { db in
            try RowEncoding.forEachEncoding(db, table: "network_params", sql: "SELECT * FROM network_params") {
                encodings.append($0)
            }
        }
        guard encodings.count == 1, let encoding = encodings.first else {
            throw StoreError(.database, "network_params holds \(encodings.count) rows, not one")
        }
        return """
            {
              "row_example": {"table": "network_params", "encoding_hex": "\(Hex.encode(encoding))",
                              "hash": "\(Hex.encode(Sodium.blake2b256(encoding)))"},
              "entries": [
            \(entries.joined(separator: ",\n"))
              ]
            }

            """
    }

    @Test func theCodeReproducesTheDigestVector() throws {
        let computed = try Self.computed()
        if ProcessInfo.processInfo.environment["HUTSYNC_WRITE_VECTORS"] == "1" {
            try computed.write(toFile: Self.path, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOfFile: Self.path, encoding: .utf8)
        #expect(computed == committed, "the digest vector changed: if the rules changed on purpose, regenerate it")
        let document = try String(contentsOf: Self.root.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
        let json = try JSONSerialization.jsonObject(with: Data(committed.utf8)) as! [String: Any]
        for entry in json["entries"] as! [[String: Any]] {
            #expect(
                document.contains(entry["digest"] as! String), "protocol.md lacks the digest after seq \(entry["seq"]!)"
            )
            #expect(document.contains(entry["hash"] as! String), "protocol.md lacks the hash of seq \(entry["seq"]!)")
        }
        #expect(document.contains((json["row_example"] as! [String: Any])["encoding_hex"] as! String))
    }
}
