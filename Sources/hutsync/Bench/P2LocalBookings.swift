import Foundation
import GRDB
import Relay
import Store
import SyncNode
import Wire

/// P2: durable local bookings through the node's write path (validate, seal, sign, outbox, overlay) on a network with
/// one owner key, one admin key and the relay key; baseline: the same seals, a sign and a one-row
/// `synchronous=FULL` commit in the same folder.
struct P2LocalBookings: BenchMeasure {
    let title = "P2 local bookings"

    func run(_ bench: Bench) async throws -> [(key: String, value: Double)] {
        let count = bench.scale.localBookings
        let (node, property, recipients) = try build(bench)
        bench.step("P2: \(count) local bookings through the node's write path")
        let seconds = try Timing.seconds {
            for index in 0..<count {
                _ = try node.book(
                    BookingRequest(
                        propertyID: property, date: BenchData.firstDate.adding(days: index / 2),
                        shift: index % 2 == 0 ? .day : .night, name: "Guest \(index)", phone: "03001234567",
                        cnic: "42101-1234567-1", guests: 4, paid: false, amount: nil, source: nil))
            }
        }
        let store = try node.open().store
        guard try store.outboxCounts().pending == count else { throw BenchError("P2: the outbox lost bookings") }

        bench.step("P2: the baseline (\(recipients.count) seals, a sign, a one-row durable commit) × \(count)")
        let baseline = try baselineSeconds(
            count: count, key: try node.open().key, recipients: recipients, path: bench.path("p2/baseline.sqlite"))
        return [
            ("p2_bookings_per_s", Double(count) / seconds), ("p2_baseline_per_s", Double(count) / baseline),
        ]
    }

    /// The physical bound of one booking: its seals, one Ed25519 signature and one durable one-row commit.
    private func baselineSeconds(count: Int, key: SigningKey, recipients: [PublicKey], path: String) throws -> Double {
        let pool = try DatabasePool(path: path)
        // After the pool's own WAL set-up (which sets NORMAL), as the store does.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try pool.write { db in try db.execute(sql: "CREATE TABLE rows (id INTEGER PRIMARY KEY, body BLOB) STRICT") }
        let details = try CanonicalJSON.encode(
            .object([
                JSONMember("cnic", .string("4210112345671")), JSONMember("name", .string("Guest 0")),
                JSONMember("phone", .string("923001234567")),
            ]))
        let body = [UInt8](repeating: 0x61, count: 600)
        let baseline = try Timing.seconds {
            for _ in 0..<count {
                _ = try Sealing.seal(details, to: recipients)
                let signature = key.sign(body)
                try pool.write { db in
                    try db.execute(sql: "INSERT INTO rows (body) VALUES (?)", arguments: [Data(signature)])
                }
            }
        }
        return baseline
    }

    /// A node folder without a relay: the genesis, the admin's grant of the owner key, one priced property.
    private func build(_ bench: Bench) throws -> (NodeFolder, String, [PublicKey]) {
        let relay = RelayFolder(path: bench.path("p2relay"))
        _ = try relay.initialize(payee: nil, now: UTCTime.now())
        let admin = try KeyFile.read(path: relay.adminKeyPath)
        let folder = NodeFolder(path: bench.path("p2"))
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: relay.storePath, toPath: folder.storePath)
        let owner = SigningKey.generate()
        try KeyFile.create(owner, path: folder.keyPath)
        let store = try ReplicaStore(path: folder.storePath)
        let position = try store.position()
        let (ownerID, property) = (UUIDText.timeOrdered(), UUIDText.timeOrdered())
        let changeSet = ChangeSet(
            author: admin.publicKey, counter: 1, baseSeq: position.appliedSeq, baseHash: position.headHash,
            time: UTCTime.now(),
            ops: [
                BenchData.ownerPut(ownerID),
                .keyGrant(KeyGrant(publicKey: owner.publicKey.hex, role: "owner", ownerID: ownerID, label: "bench")),
            ] + BenchData.property(property, owner: ownerID))
        try store.apply([
            SequencedEntry(
                seq: position.appliedSeq + 1, relayTime: UTCTime.now(),
                changeSet: try SignedChangeSet(signing: changeSet, with: admin))
        ])
        let recipients = try store.localSealingRecipients(propertyID: property, now: UTCTime.now())
        try store.close()
        return (try folder.keptOpen(), property, recipients)
    }
}
