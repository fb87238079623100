import Store
import TestSupport
import Wire

/// Who signs a cell's change set. `owner` owns every property the cells act on; `revoked` is a second key of that
/// owner, granted and then revoked by the admin; `unknown` was never granted.
enum MatrixRole: String, CaseIterable, Sendable, CustomStringConvertible {
    case admin, reviewer, relay, owner, otherOwner, revoked, unknown
    var description: String { rawValue }
}

/// What one cell gives: sequenced and applied, sequenced and rejected with a reason (operation 0), or refused at the
/// relay's door with an HTTP status and code (never sequenced).
enum CellOutcome: Hashable, Sendable, CustomStringConvertible {
    case applied
    case rejected(String)
    case refused(Int, String)

    var description: String {
        switch self {
        case .applied: "applied"
        case .rejected(let reason): "rejected \(reason)"
        case .refused(let status, let code): "refused \(status) \(code)"
        }
    }
}

/// One operation kind acting on one kind of subject. Where "Who may do what" depends on the booking (its source, its
/// status, the customer_ref the cancel carries), each case gets its own variant.
enum MatrixVariant: String, CaseIterable, Sendable, CustomStringConvertible {
    case networkParams = "network.params"
    case platformPayee = "platform.payee"
    case keyGrant = "key.grant"
    case keyRevoke = "key.revoke"
    case ownerPut = "owner.put (the owner's own record)"
    case propertyEdit = "property.put (an existing property)"
    case propertyNew = "property.put (a new property)"
    case prices = "property.prices"
    case override = "property.price_override"
    case amenities = "property.amenities"
    case media = "property.media"
    case archive = "property.archive"
    case block = "slot.block"
    case unblock = "slot.unblock"
    case createPhone = "booking.create (phone, Pending)"
    case createWalkIn = "booking.create (walk_in, Confirmed)"
    case createCustomer = "booking.create (whatsapp, Pending, customer_ref)"
    case createCustomerConfirmed = "booking.create (whatsapp, Confirmed, customer_ref)"
    case createWithoutReference = "booking.create (webchat, Pending, no customer_ref)"
    case paymentPhone = "booking.payment (a phone booking)"
    case paymentCustomer = "booking.payment (a whatsapp booking)"
    case extractedPhone = "payment.extracted (a phone booking)"
    case extractedCustomer = "payment.extracted (a whatsapp booking)"
    case confirm = "booking.confirm (a whatsapp booking, Pending)"
    case rejectPayment = "booking.reject_payment (a whatsapp booking, Waiting)"
    case cancelPhone = "booking.cancel (a phone booking, Pending)"
    case cancelOwnReference = "booking.cancel (whatsapp, Pending, its customer_ref)"
    case cancelOtherReference = "booking.cancel (whatsapp, Pending, another customer's customer_ref)"
    case cancelWaiting = "booking.cancel (whatsapp, Waiting, its customer_ref)"
    case expire = "booking.expire (Pending, hold over)"
    case complete = "booking.complete (Confirmed, shift over)"
    case reinstate = "booking.reinstate (Conflicted, slot free)"

    var description: String { rawValue }
}

/// The expected outcome of every cell, written out by hand from `domain.md` ("Who may do what") and the reason codes
/// of `docs/protocol.md` (section 14) — never computed by the code under test.
enum SecurityMatrix {
    private static let ok = CellOutcome.applied
    private static let role = CellOutcome.rejected("auth.role")
    private static let notOwner = CellOutcome.rejected("auth.not_owner")
    private static let source = CellOutcome.rejected("auth.source")
    private static let status = CellOutcome.rejected("auth.status")
    private static let reference = CellOutcome.rejected("auth.customer_ref")
    private static let notPending = CellOutcome.rejected("booking.not_pending")

    struct Row {
        let variant: MatrixVariant
        let expected: [MatrixRole: CellOutcome]

        init(
            _ variant: MatrixVariant, _ admin: CellOutcome, _ reviewer: CellOutcome, _ relay: CellOutcome,
            _ owner: CellOutcome, _ otherOwner: CellOutcome
        ) {
            self.variant = variant
            // replication.md, "The relay's order": an author key unknown, or revoked, as of the relay's head is a door
            // refusal (401) — whatever the operation, the change set is never sequenced.
            expected = [
                .admin: admin, .reviewer: reviewer, .relay: relay, .owner: owner, .otherOwner: otherOwner,
                .revoked: .refused(401, "auth.revoked"), .unknown: .refused(401, "auth.unknown_key"),
            ]
        }
    }

    // swift-format-ignore
    static let table: [Row] = [
        //                             admin reviewer relay       owner other owner
        Row(.networkParams,            ok,   role,    role,       role, role),
        Row(.platformPayee,            ok,   role,    role,       role, role),
        Row(.keyGrant,                 ok,   role,    role,       role, role),
        Row(.keyRevoke,                ok,   role,    role,       role, role),
        Row(.ownerPut,                 ok,   role,    role,       ok,   notOwner),
        Row(.propertyEdit,             ok,   role,    role,       ok,   notOwner),
        Row(.propertyNew,              ok,   role,    role,       ok,   notOwner),
        Row(.prices,                   ok,   role,    role,       ok,   notOwner),
        Row(.override,                 ok,   role,    role,       ok,   notOwner),
        Row(.amenities,                ok,   role,    role,       ok,   notOwner),
        Row(.media,                    ok,   role,    role,       ok,   notOwner),
        Row(.archive,                  ok,   role,    role,       ok,   notOwner),
        Row(.block,                    ok,   role,    role,       ok,   notOwner),
        Row(.unblock,                  ok,   role,    role,       ok,   notOwner),
        // The customer (relay key): Pending only, source whatsapp or webchat, carrying customer_ref.
        Row(.createPhone,              ok,   role,    source,     ok,   notOwner),
        Row(.createWalkIn,             ok,   role,    source,     ok,   notOwner),
        Row(.createCustomer,           ok,   role,    ok,         ok,   notOwner),
        Row(.createCustomerConfirmed,  ok,   role,    status,     ok,   notOwner),
        Row(.createWithoutReference,   ok,   role,    reference,  ok,   notOwner),
        // Proofs and extractions: the relay only for whatsapp or webchat bookings.
        Row(.paymentPhone,             ok,   ok,      source,     ok,   notOwner),
        Row(.paymentCustomer,          ok,   ok,      ok,         ok,   notOwner),
        Row(.extractedPhone,           ok,   ok,      source,     ok,   notOwner),
        Row(.extractedCustomer,        ok,   ok,      ok,         ok,   notOwner),
        // The relay key itself can never confirm or reject, even its own customer's booking.
        Row(.confirm,                  ok,   ok,      role,       ok,   notOwner),
        Row(.rejectPayment,            ok,   ok,      role,       ok,   notOwner),
        // The customer cancels only Pending bookings with the same customer_ref.
        Row(.cancelPhone,              ok,   ok,      reference,  ok,   notOwner),
        Row(.cancelOwnReference,       ok,   ok,      ok,         ok,   notOwner),
        Row(.cancelOtherReference,     ok,   ok,      reference,  ok,   notOwner),
        Row(.cancelWaiting,            ok,   ok,      notPending, ok,   notOwner),
        Row(.expire,                   ok,   role,    ok,         role, role),
        Row(.complete,                 ok,   role,    ok,         ok,   notOwner),
        Row(.reinstate,                ok,   role,    role,       ok,   notOwner),
    ]
}
