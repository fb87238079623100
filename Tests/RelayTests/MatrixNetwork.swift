import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Relay
import Store
import SyncNode
import Synchronization
import TestSupport
import Testing
import Wire

/// The relay's clock: the real one, shifted by an offset the test sets.
final class MatrixClock: Sendable {
    private let seconds: Mutex<Int>
    init(offset: Int) { seconds = Mutex(offset) }
    var offset: Int {
        get { seconds.withLock { $0 } }
        set { seconds.withLock { $0 = newValue } }
    }
    var now: UTCTime { UTCTime(seconds: UTCTime.now().seconds + offset) }
}

/// The live relay, the keys of every role, and the replicas.
struct MatrixNetwork {
    let harness: RelayHarness
    let clock: MatrixClock
    let client: any TestClientProtocol
    let keys: [MatrixRole: SigningKey]
    let replicas: [(name: String, folder: NodeFolder)]
    /// The network id of the genesis (a `network.params` must keep it).
    let networkID: String
    private var counters: [String: Int] = [:]

    init(harness: RelayHarness, clock: MatrixClock, client: any TestClientProtocol) async throws {
        self.harness = harness
        self.clock = clock
        self.client = client
        keys = [
            .admin: harness.admin, .relay: harness.relayKey, .reviewer: SigningKey.generate(),
            .owner: SigningKey.generate(), .otherOwner: SigningKey.generate(), .revoked: SigningKey.generate(),
            .unknown: SigningKey.generate(),
        ]
        // Replicas as `node init` makes them (a new key each, the genesis checked against its hash), enrolled in
        // `setUp`: an admin's machine, a second machine of the property's owner, and another owner's machine.
        let url = URL(string: "http://localhost:\(try #require(client.port))")!
        let genesisEntry = try #require(try harness.store.entries(after: 0, limit: 1).first).changeSet
        let genesis = genesisEntry.idHex
        guard case .networkParams(let params)? = genesisEntry.changeSet.ops.first else {
            throw CocoaError(.coderInvalidValue, userInfo: [NSLocalizedDescriptionKey: "a genesis without params"])
        }
        networkID = params.networkID
        var replicas: [(String, NodeFolder)] = []
        for name in ["admin", "owner", "otherOwner"] {
            let folder = NodeFolder(path: harness.directory.file("replica-" + name))
            _ = try await folder.initialize(
                relay: url, genesisHash: genesis, importing: nil, insecure: false,
                transport: { HTTPRelayTransport(base: url, key: $0) })
            replicas.append((name, try folder.keptOpen()))
        }
        self.replicas = replicas
        counters[harness.relayKey.publicKey.hex] = 1  // the genesis
    }

    func key(_ role: MatrixRole) -> SigningKey { keys[role]! }

    // MARK: Pushing

    /// A change set by `author` with its next counter, based on the relay's head.
    func changeSet(_ ops: [Wire.Operation], by author: SigningKey) throws -> SignedChangeSet {
        try harness.changeSet(ops, by: author, counter: (counters[author.publicKey.hex] ?? 0) + 1)
    }

    /// `POST /v1/push` of one change set in a request signed by `requester`: the status and the JSON answer.
    func push(_ changeSet: SignedChangeSet, requester: SigningKey) async throws -> (Int, [String: Any]) {
        let body = HTTPTests.pushBody([changeSet])
        let response = try await client.executeRequest(
            uri: "/v1/push", method: .post,
            headers: HTTPTests.headers("POST", "/v1/push", body: body, key: requester, time: clock.now),
            body: ByteBuffer(bytes: body))
        return (Int(response.status.code), HTTPTests.json(response.body))
    }

    /// Pushes `ops` by `author` and requires them sequenced with `outcome` (set-up steps).
    mutating func write(_ ops: [Wire.Operation], by author: SigningKey, outcome: String = "applied") async throws {
        let signed = try changeSet(ops, by: author)
        let (status, answer) = try await push(signed, requester: author)
        let result = (answer["results"] as? [[String: Any]])?.first
        try #require(
            status == 200 && (result?["outcome"] as? [String: Any])?["kind"] as? String == outcome, "\(answer)")
        counters[author.publicKey.hex, default: 0] += 1
    }

    // MARK: Set-up

    /// `enrol`, then every cell's subject, phase by phase (at most 64 operations per change set), then the
    /// revocation of the `revoked` key.
    mutating func setUp() async throws {
        try await enrol()
        let admin = key(.admin)
        let cells = Self.allCells()
        for phase in MatrixCell.Phase.allCases {
            let ops = cells.flatMap { $0.setUp(phase) }
            let author =
                switch phase {
                case .catalogue, .settle: admin
                case .customer: key(.relay)
                case .owner, .losers: key(.owner)
                }
            for start in stride(from: 0, to: ops.count, by: 64) {
                let chunk = Array(ops[start..<min(start + 64, ops.count)])
                try await write(chunk, by: author, outcome: phase == .losers ? "conflicted" : "applied")
            }
        }
        try await revoke()
    }

    /// The owners, the keys of every role but `unknown` and of the replicas, and the booking property.
    mutating func enrol() async throws {
        var grants = [
            Catalogue.owner(MatrixCell.ownerA), Catalogue.owner(MatrixCell.ownerB),
            Catalogue.grant(key(.owner), role: "owner", owner: MatrixCell.ownerA),
            Catalogue.grant(key(.otherOwner), role: "owner", owner: MatrixCell.ownerB),
            Catalogue.grant(key(.reviewer), role: "reviewer"),
            Catalogue.grant(key(.revoked), role: "owner", owner: MatrixCell.ownerA),
            Catalogue.property(MatrixCell.bookingProperty, owner: MatrixCell.ownerA),
            Catalogue.prices(MatrixCell.bookingProperty, amount: 20000),
        ]
        for (name, folder) in replicas {
            let replicaKey = try folder.open().key
            grants.append(
                name == "admin"
                    ? Catalogue.grant(replicaKey, role: "admin")
                    : Catalogue.grant(
                        replicaKey, role: "owner", owner: name == "owner" ? MatrixCell.ownerA : MatrixCell.ownerB))
        }
        try await write(grants, by: key(.admin))
    }

    /// The admin revokes the `revoked` key.
    mutating func revoke() async throws {
        try await write([.keyRevoke(KeyRevoke(publicKey: key(.revoked).publicKey.hex))], by: key(.admin))
    }

    /// Every cell of the table, numbered as the test runs them.
    static func allCells() -> [MatrixCell] {
        SecurityMatrix.table.enumerated().flatMap { index, row in
            MatrixRole.allCases.enumerated().map { offset, role in
                MatrixCell(variant: row.variant, role: role, number: index * MatrixRole.allCases.count + offset + 1)
            }
        }
    }

    // MARK: Running a cell

    /// Pushes the cell's change set, signed and sent by its role's key; returns what happened and its seq if it was
    /// sequenced. A change set refused at the door is pushed again in a request signed by the admin, so the
    /// sequencer's own door check is exercised as well as the request check; neither may change the log.
    mutating func run(_ cell: MatrixCell) async throws -> (CellOutcome, Int?) {
        let author = key(cell.role)
        let signed = try changeSet([cell.operation(networkID: networkID)], by: author)
        let before = try harness.store.position()
        let (status, answer) = try await push(signed, requester: author)
        guard status == 200, let result = (answer["results"] as? [[String: Any]])?.first,
            let seq = result["seq"] as? Int, let outcome = result["outcome"] as? [String: Any]
        else {
            let error = (answer["error"] ?? answer["refusal"]) as? [String: Any]
            let refused = CellOutcome.refused(status, error?["code"] as? String ?? "?")
            let (relayedStatus, relayed) = try await push(signed, requester: key(.admin))
            let refusal = relayed["refusal"] as? [String: Any]
            #expect(
                CellOutcome.refused(relayedStatus, refusal?["code"] as? String ?? "?") == refused,
                "\(cell): the sequencer's door and the request check disagree")
            #expect(try harness.store.position() == before, "\(cell): refused at the door, yet the log changed")
            return (refused, nil)
        }
        counters[author.publicKey.hex, default: 0] += 1
        let record = try #require(try harness.store.logRecords(after: seq - 1, limit: 1).first)
        let stored = try Self.outcome(record.outcome)
        #expect(stored == (try Self.outcome(from: outcome)), "\(cell): the answer and the relay's log differ")
        #expect(seq == before.appliedSeq + 1)
        // Rejecting changes nothing; applying changes the state.
        #expect((record.digest == before.digest) == (stored != .applied), "\(cell): digest \(stored)")
        return (stored, seq)
    }

    static func outcome(_ canonical: String) throws -> CellOutcome {
        let object = try JSONSerialization.jsonObject(with: Data(canonical.utf8)) as? [String: Any]
        return try outcome(from: try #require(object))
    }

    static func outcome(from object: [String: Any]) throws -> CellOutcome {
        switch object["kind"] as? String {
        case "applied": return .applied
        case "rejected":
            #expect(object["op"] as? Int == 0)
            return .rejected(try #require(object["reason"] as? String))
        default: return .rejected("unexpected outcome \(object)")
        }
    }

    // MARK: Replicas

    /// `node sync` on every replica.
    func syncReplicas() async throws {
        for (name, folder) in replicas {
            do { _ = try await folder.syncOnce() } catch {
                Issue.record("replica \(name) failed to sync: \(error.message)")
                throw error
            }
        }
    }

    /// Every replica holds the cell's entry exactly as the relay does (change set, relay time, outcome, digest after
    /// it, hash). A cell refused at the door has no entry: `run` checked the relay's log did not move.
    func checkReplicas(_ cell: MatrixCell, seq: Int?) throws {
        guard let seq else { return }
        let relay = try #require(try harness.store.logRecords(after: seq - 1, limit: 1).first)
        for (name, folder) in replicas {
            let store = try folder.open().store
            let replica = try store.logRecords(after: seq - 1, limit: 1).first
            #expect(replica == relay, "\(cell): replica \(name) differs from the relay at seq \(seq)")
        }
    }

    /// Every replica at the relay's head with the same digest, and its stored digest equal to one recomputed.
    func checkConverged() throws {
        let head = try harness.store.position()
        #expect(try harness.store.recomputeDigest() == head.digest)
        for (name, folder) in replicas {
            let store = try folder.open().store
            #expect(try store.position() == head, "replica \(name) is not at the relay's head")
            #expect(try store.recomputeDigest() == head.digest, "replica \(name): stored digest ≠ recomputed")
        }
    }
}
