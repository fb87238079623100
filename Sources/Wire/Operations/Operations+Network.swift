/// `network.params`: the network's identity and fixed rules. Part of the genesis; later only by an admin.
package struct NetworkParams: OperationBody {
    package static let name = "network.params"
    /// The network's UUID, chosen at `relay init`.
    package var networkID: String
    /// Which operations and rules are in force (1 for this version).
    package var rulesVersion: Int
    /// Always `Asia/Karachi` in this version: informational, since apply uses `utcOffsetMinutes`.
    package var timeZone: String
    /// The fixed offset of business dates from UTC, in minutes (300).
    package var utcOffsetMinutes: Int
    /// The letters before booking codes (`HB`).
    package var codePrefix: String

    package init(networkID: String, rulesVersion: Int, timeZone: String, utcOffsetMinutes: Int, codePrefix: String) {
        self.networkID = networkID
        self.rulesVersion = rulesVersion
        self.timeZone = timeZone
        self.utcOffsetMinutes = utcOffsetMinutes
        self.codePrefix = codePrefix
    }
}

/// `platform.payee`: the account customers pay when a property's owner has none. Admin only.
package struct PlatformPayee: OperationBody {
    package static let name = "platform.payee"
    package var payee: PaymentAccount

    package init(payee: PaymentAccount) { self.payee = payee }
}

/// `key.grant`: adds a key to the registry with a role (`admin`, `relay`, `reviewer`, `owner`). Admin only.
package struct KeyGrant: OperationBody {
    package static let name = "key.grant"
    package var publicKey: String
    package var role: String
    /// Required for role `owner`, absent otherwise.
    package var ownerID: String?
    /// A human label ("Ahmed's laptop").
    package var label: String?

    package init(publicKey: String, role: String, ownerID: String? = nil, label: String? = nil) {
        self.publicKey = publicKey
        self.role = role
        self.ownerID = ownerID
        self.label = label
    }
}

/// `key.revoke`: the key may author nothing from the next entry on. Admin only.
package struct KeyRevoke: OperationBody {
    package static let name = "key.revoke"
    package var publicKey: String

    package init(publicKey: String) { self.publicKey = publicKey }
}

/// `owner.put`: creates or replaces an owner record. Admin, or the owner's own key for its own record.
package struct OwnerPut: OperationBody {
    package static let name = "owner.put"
    package var ownerID: String
    package var name: String
    package var phone: String
    /// Where customers pay this owner's bookings; absent = the platform payee.
    package var payment: PaymentAccount?

    package init(ownerID: String, name: String, phone: String, payment: PaymentAccount? = nil) {
        self.ownerID = ownerID
        self.name = name
        self.phone = phone
        self.payment = payment
    }
}
