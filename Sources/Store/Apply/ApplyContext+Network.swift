import GRDB
import Wire

extension ApplyContext {
    /// Seq 1: exempt from the registry and permissions, and valid only in its fixed shape (replication.md, "Keys,
    /// roles, genesis"). A genesis that breaks the rules is an integrity failure, not an outcome.
    mutating func applyGenesis() throws {
        let changeSet = entry.changeSet.changeSet
        let ops = changeSet.ops
        guard changeSet.counter == 1, changeSet.baseSeq == 0, changeSet.baseHash == Hex.encode(EntryHash.zero),
            ops.count == 3 || ops.count == 4,
            case .networkParams = ops[0], case .keyGrant(let relayGrant) = ops[1], relayGrant.role == "relay",
            relayGrant.publicKey == changeSet.author, case .keyGrant(let adminGrant) = ops[2],
            adminGrant.role == "admin"
        else { throw StoreError(.integrity, "the genesis does not have the shape replication.md fixes") }
        if ops.count == 4, case .platformPayee = ops[3] {
        } else if ops.count == 4 {
            throw StoreError(.integrity, "the genesis's fourth operation must be platform.payee")
        }
        author = Author(publicKey: changeSet.author, role: .admin, ownerID: nil)
        do {
            for operation in ops { try apply(operation) }
        } catch let rejection as Rejection {
            throw StoreError(.integrity, "the genesis is refused: \(rejection.reason) \(rejection.field ?? "")")
        }
    }

    mutating func networkParams(_ body: NetworkParams) throws {
        try Validate.uuid(body.networkID, "network_id")
        try Validate.range(body.rulesVersion, 1...Int(Int32.max), "rules_version")
        try Validate.text(body.timeZone, "time_zone")
        try Validate.range(body.utcOffsetMinutes, -720...840, "utc_offset_minutes")
        guard (1...4).contains(body.codePrefix.utf8.count),
            body.codePrefix.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) })
        else { throw Validate.invalid("code_prefix") }
        if let current = try Row.cachedOne(db, sql: "SELECT network_id, rules_version FROM network_params") {
            guard current["network_id"] == body.networkID else { throw Rejection(reason: .paramsNetworkID) }
            guard body.rulesVersion >= current["rules_version"] as Int else {
                throw Rejection(reason: .paramsRulesDowngrade)
            }
        }
        try write(
            "network_params", where: "id = 1", [],
            sql: "INSERT OR REPLACE INTO network_params VALUES (1, ?, ?, ?, ?, ?)",
            [body.networkID, body.rulesVersion, body.timeZone, body.utcOffsetMinutes, body.codePrefix])
    }

    mutating func platformPayee(_ body: PlatformPayee) throws {
        try Validate.account(body.payee, "payee")
        try write(
            "platform_payee", where: "id = 1", [], sql: "INSERT OR REPLACE INTO platform_payee VALUES (1, ?, ?, ?)",
            [body.payee.method, body.payee.account, body.payee.title])
    }

    mutating func keyGrant(_ body: KeyGrant) throws {
        guard let key = try? PublicKey(hex: body.publicKey), key.canReceiveSealedBoxes else {
            throw Validate.invalid("public_key")
        }
        guard let role = Role(rawValue: body.role) else { throw Validate.invalid("role") }
        try Validate.optionalText(body.label, "label")
        if role == .owner {
            guard let ownerID = body.ownerID else { throw Validate.invalid("owner_id") }
            try Validate.uuid(ownerID, "owner_id")
            guard try Bool.cachedOne(db, sql: "SELECT 1 FROM owners WHERE id = ?", arguments: [ownerID]) != nil else {
                throw Rejection(reason: .ownerUnknown)
            }
        } else if body.ownerID != nil {
            throw Validate.invalid("owner_id")
        }
        if let revoked = try Row.cachedOne(
            db, sql: "SELECT revoked_seq FROM keys WHERE public_key = ?", arguments: [body.publicKey])
        {
            throw Rejection(reason: revoked["revoked_seq"] as Int? == nil ? .keyExists : .keyRevoked)
        }
        try write(
            "keys", where: "public_key = ?", [body.publicKey],
            sql: "INSERT INTO keys (public_key, role, owner_id, label, granted_seq) VALUES (?, ?, ?, ?, ?)",
            [body.publicKey, body.role, body.ownerID, body.label, seq])
    }

    mutating func keyRevoke(_ body: KeyRevoke) throws {
        try Validate.hex32(body.publicKey, "public_key")
        guard
            let row = try Row.cachedOne(
                db, sql: "SELECT revoked_seq FROM keys WHERE public_key = ?", arguments: [body.publicKey])
        else { throw Rejection(reason: .keyUnknown) }
        guard row["revoked_seq"] as Int? == nil else { throw Rejection(reason: .keyRevoked) }
        try write(
            "keys", where: "public_key = ?", [body.publicKey],
            sql: "UPDATE keys SET revoked_seq = ? WHERE public_key = ?", [seq, body.publicKey])
    }

    mutating func ownerPut(_ body: OwnerPut) throws {
        try Validate.uuid(body.ownerID, "owner_id")
        try Validate.text(body.name, "name")
        try Validate.phone(body.phone, "phone")
        if let payment = body.payment { try Validate.account(payment, "payment") }
        try requireOwnership(of: body.ownerID)
        try write(
            "owners", where: "id = ?", [body.ownerID],
            sql: "INSERT OR REPLACE INTO owners VALUES (?, ?, ?, ?, ?, ?)",
            [
                body.ownerID, body.name, body.phone, body.payment?.method, body.payment?.account,
                body.payment?.title,
            ])
    }
}
