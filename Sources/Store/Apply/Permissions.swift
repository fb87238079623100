import Wire

/// The roles of the key registry.
package enum Role: String, Sendable, Hashable, CaseIterable {
    case admin, relay, reviewer, owner
}

/// Who authored an entry, as the registry knew them at that position.
package struct Author: Sendable, Hashable {
    package var publicKey: String
    package var role: Role
    /// For role `owner`: the owner the key acts for.
    package var ownerID: String?
}

/// Which roles may perform each operation at all ("Who may do what" in domain.md). Ownership, source, status and
/// customer-ref conditions are checked by each operation on top of this.
package enum Permissions {
    package static let rolesByOperation: [String: Set<Role>] = [
        NetworkParams.name: [.admin],
        PlatformPayee.name: [.admin],
        KeyGrant.name: [.admin],
        KeyRevoke.name: [.admin],
        OwnerPut.name: [.admin, .owner],
        PropertyPut.name: [.admin, .owner],
        PropertyPrices.name: [.admin, .owner],
        PropertyPriceOverride.name: [.admin, .owner],
        PropertyAmenities.name: [.admin, .owner],
        PropertyMedia.name: [.admin, .owner],
        PropertyArchive.name: [.admin, .owner],
        SlotBlock.name: [.admin, .owner],
        SlotUnblock.name: [.admin, .owner],
        BookingCreate.name: [.admin, .owner, .relay],
        BookingPayment.name: [.admin, .owner, .reviewer, .relay],
        PaymentExtracted.name: [.admin, .owner, .reviewer, .relay],
        BookingConfirm.name: [.admin, .owner, .reviewer],
        BookingRejectPayment.name: [.admin, .owner, .reviewer],
        BookingCancel.name: [.admin, .owner, .reviewer, .relay],
        BookingExpire.name: [.admin, .relay],
        BookingComplete.name: [.admin, .owner, .relay],
        BookingReinstate.name: [.admin, .owner],
    ]

    package static func allows(_ role: Role, _ operation: String) -> Bool {
        rolesByOperation[operation]?.contains(role) ?? false
    }
}
