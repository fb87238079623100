import GRDB
import Wire

/// The state of applying one entry: the database inside the entry's savepoint, the entry, its author and the
/// running digest. Operations throw ``Rejection`` to refuse; the caller rolls the savepoint back.
struct ApplyContext {
    let db: Database
    let entry: SequencedEntry
    var digest: DigestSum
    var conflicted = false
    var author = Author(publicKey: "", role: .admin, ownerID: nil)
    /// What undoes this entry's writes, when they are to be undone (a node's overlay); nil otherwise.
    var undo: UndoLog?

    init(db: Database, entry: SequencedEntry, digest: DigestSum, recordingUndo: Bool = false) {
        self.db = db
        self.entry = entry
        self.digest = digest
        self.undo = recordingUndo ? UndoLog() : nil
    }

    /// Keeps, for the undo log if there is one, the rows of `table` that `filter` selects before a write to them.
    mutating func recordUndo(_ table: String, where filter: String, _ keys: SQLArguments) throws {
        try undo?.record(db, table: table, filter: filter, keys: keys)
    }

    var seq: Int { entry.seq }

    /// Applies every operation in order, as the registry knows the author at this position.
    mutating func applyAll(_ operations: [Operation]) throws {
        author = try resolveAuthor()
        for (index, operation) in operations.enumerated() {
            do {
                guard Permissions.allows(author.role, operation.name) else { throw Rejection(reason: .authRole) }
                try apply(operation)
            } catch var rejection as Rejection {
                rejection.op = index
                throw rejection
            }
        }
    }

    private func resolveAuthor() throws -> Author {
        let publicKey = entry.changeSet.changeSet.author
        guard
            let (revoked, role, ownerID) = try db.firstRow(
                sql: "SELECT revoked_seq, role, owner_id FROM keys WHERE public_key = ?", arguments: [publicKey],
                { row in (!row.isNull(0), row.text(1), row.optionalText(2)) })
        else { throw Rejection(reason: .authUnknownKey) }
        guard !revoked else { throw Rejection(reason: .authRevoked) }
        guard let role = Role(rawValue: role) else { throw Rejection(reason: .authRole) }
        return Author(publicKey: publicKey, role: role, ownerID: ownerID)
    }

    mutating func apply(_ operation: Operation) throws {
        switch operation {
        case .networkParams(let body): try networkParams(body)
        case .platformPayee(let body): try platformPayee(body)
        case .keyGrant(let body): try keyGrant(body)
        case .keyRevoke(let body): try keyRevoke(body)
        case .ownerPut(let body): try ownerPut(body)
        case .propertyPut(let body): try propertyPut(body)
        case .propertyPrices(let body): try propertyPrices(body)
        case .propertyPriceOverride(let body): try propertyPriceOverride(body)
        case .propertyAmenities(let body): try propertyAmenities(body)
        case .propertyMedia(let body): try propertyMedia(body)
        case .propertyArchive(let body): try propertyArchive(body)
        case .slotBlock(let body): try slotBlock(body)
        case .slotUnblock(let body): try slotUnblock(body)
        case .bookingCreate(let body): try bookingCreate(body)
        case .bookingCancel(let body): try bookingCancel(body)
        case .bookingPayment(let body): try bookingPayment(body)
        case .paymentExtracted(let body): try paymentExtracted(body)
        case .bookingConfirm(let body): try bookingConfirm(body)
        case .bookingRejectPayment(let body): try bookingRejectPayment(body)
        case .bookingExpire(let body): try bookingExpire(body)
        case .bookingComplete(let body): try bookingComplete(body)
        case .bookingReinstate(let body): try bookingReinstate(body)
        }
    }

    // MARK: Shared helpers

    /// Runs a write to `table`, keeping the digest: `filter` selects every row the write touches.
    mutating func write(
        _ table: String, where filter: String, _ keys: SQLArguments, sql: String, _ arguments: SQLArguments
    ) throws {
        let db = db
        if undo != nil {
            // A provisional application: its digest is not kept, its undo is.
            try recordUndo(table, where: filter, keys)
            return try db.step(sql: sql, arguments: arguments)
        }
        try digest.tracking(db, table: table, filter: filter, arguments: keys) {
            try db.step(sql: sql, arguments: arguments)
        }
    }

    /// Inserts one row, keeping the digest, when the caller has checked that no row with its key exists: the row's
    /// contribution is computed from the values (``RowInsert``), or, for a value it does not know how SQLite
    /// stores, read back through `RETURNING *`.
    mutating func insert(_ insert: RowInsert, where filter: String, _ keys: SQLArguments, _ values: SQLArguments)
        throws
    {
        if undo != nil {
            try recordUndo(insert.table, where: filter, keys)
            return try db.step(sql: insert.sql, arguments: values)
        }
        if let contribution = insert.contribution(of: values) {
            try db.step(sql: insert.sql, arguments: values)
            return digest.add(contribution)
        }
        var digest = digest
        try RowEncoding.forEachHash(db, table: insert.table, sql: insert.sql + " RETURNING *", arguments: values) {
            digest.add($0)
        }
        self.digest = digest
    }

    /// The property, or `property.unknown`.
    func property(_ id: String) throws -> PropertyFacts {
        guard
            let facts = try db.firstRow(
                sql: "SELECT owner_id, archived, hold_minutes FROM properties WHERE id = ?", arguments: [id],
                { row in PropertyFacts(id: id, ownerID: row.text(0), archived: row.int(1) == 1, holdMinutes: row.int(2))
                })
        else { throw Rejection(reason: .propertyUnknown) }
        return facts
    }

    /// `auth.not_owner` when an owner key acts on another owner's property.
    func requireOwnership(of ownerID: String) throws {
        if author.role == .owner, author.ownerID != ownerID { throw Rejection(reason: .authNotOwner) }
    }

    /// The holders of `units` of a property, each once, in unit order: booking codes or `block:<id>`.
    func holders(of units: [SlotUnit], propertyID: String) throws -> [String] {
        var holders: [String] = []
        for unit in units {
            guard
                let holder = try db.firstRow(
                    sql: """
                        SELECT o.holder_kind, o.holder_id, b.code FROM occupancy o
                        LEFT JOIN bookings b ON o.holder_kind = 'booking' AND b.id = o.holder_id
                        WHERE o.property_id = ? AND o.date = ? AND o.half = ?
                        """,
                    arguments: [propertyID, unit.date.description, unit.half.rawValue],
                    { row in row.text(0) == "block" ? "block:" + row.text(1) : row.text(2) })
            else { continue }
            if !holders.contains(holder) { holders.append(holder) }
        }
        return holders
    }

    mutating func occupy(_ units: [SlotUnit], propertyID: String, kind: String, holderID: String) throws {
        for unit in units {
            try recordUndo(
                "occupancy", where: "property_id = ? AND date = ? AND half = ?",
                [propertyID, unit.date.description, unit.half.rawValue])
            try db.step(
                sql: "INSERT INTO occupancy (property_id, date, half, holder_kind, holder_id) VALUES (?, ?, ?, ?, ?)",
                arguments: [propertyID, unit.date.description, unit.half.rawValue, kind, holderID])
        }
    }

    mutating func release(holderID: String) throws {
        try recordUndo("occupancy", where: "holder_id = ?", [holderID])
        try db.step(sql: "DELETE FROM occupancy WHERE holder_id = ?", arguments: [holderID])
    }
}

/// What apply needs to know about a property.
struct PropertyFacts {
    var id: String
    var ownerID: String
    var archived: Bool
    var holdMinutes: Int
}
