import GRDB
import Store
import TestSupport

/// A real store in a temporary folder with a genesis, an admin, and owners with properties.
struct StoreHarness {
    let directory = TemporaryDirectory()
    let store: ReplicaStore
    var log = LogBuilder()
    let ownerA = Fixtures.owner
    let ownerB = try! SigningKey(seed: [UInt8](repeating: 0x04, count: 32))
    let reviewer = try! SigningKey(seed: [UInt8](repeating: 0x05, count: 32))
    static let ownerAID = TestID.uuid(1, kind: 0xA)
    static let ownerBID = TestID.uuid(2, kind: 0xA)

    init(name: String = "replica.sqlite") throws {
        store = try ReplicaStore(path: directory.file(name))
        try store.apply([log.genesis()])
        try apply(
            [
                Catalogue.owner(Self.ownerAID), Catalogue.owner(Self.ownerBID),
                Catalogue.grant(ownerA, role: "owner", owner: Self.ownerAID),
                Catalogue.grant(ownerB, role: "owner", owner: Self.ownerBID),
                Catalogue.grant(reviewer, role: "reviewer"),
            ], by: log.admin)
    }

    /// Applies one change set and returns its outcome.
    @discardableResult
    mutating func apply(_ ops: [Operation], by key: SigningKey) throws -> Outcome {
        try store.apply([log.entry(ops, by: key)])[0].outcome
    }

    /// Applies one change set with the relay time exactly `seconds` (Unix), which must not be before the last entry.
    @discardableResult
    mutating func apply(_ ops: [Operation], by key: SigningKey, at seconds: Int) throws -> Outcome {
        log.time = UTCTime(seconds: seconds - 1)
        return try apply(ops, by: key)
    }

    /// Creates a booking on owner A's property by owner A and returns its code.
    @discardableResult
    mutating func book(_ id: String, property: String, date: String, shift: Shift, status: String = "Pending") throws
        -> String
    {
        try apply([Catalogue.book(id, property: property, date: date, shift: shift, status: status)], by: ownerA)
        return try booking(id)?["code"] ?? ""
    }

    func status(_ id: String) throws -> String? { try booking(id)?["status"] }

    /// A property of owner A (or B) with every shift priced at 20,000.
    mutating func addProperty(_ id: String, ownerB: Bool = false, priced: Bool = true) throws {
        let owner = ownerB ? Self.ownerBID : Self.ownerAID
        let outcome = try apply(
            [Catalogue.property(id, owner: owner)] + (priced ? [Catalogue.prices(id, amount: 20000)] : []),
            by: log.admin)
        precondition(outcome == .applied, "\(outcome)")
    }

    func booking(_ id: String) throws -> Row? {
        try store.writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM bookings WHERE id = ?", arguments: [id])
        }
    }

    func shiftState(_ property: String, _ date: String, _ shift: Shift) throws -> SlotState? {
        try store.availability(propertyID: property, from: CalendarDate(date)!, days: 1).first?.shifts[shift]
    }
}
