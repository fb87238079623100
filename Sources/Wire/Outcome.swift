/// What applying an entry did: `applied`, `conflicted` (a booking was recorded as Conflicted; the other operations
/// applied), or `rejected` (nothing took effect).
package enum Outcome: Sendable, Hashable {
    case applied
    case conflicted
    case rejected(Rejection)

    /// The canonical JSON text of the outcome (what the log stores and a push answers), the two common ones
    /// encoded once.
    package var canonicalText: String {
        switch self {
        case .applied: Self.appliedText
        case .conflicted: Self.conflictedText
        case .rejected: Self.text(self)
        }
    }

    private static let appliedText = text(.applied)
    private static let conflictedText = text(.conflicted)

    private static func text(_ outcome: Outcome) -> String {
        String(decoding: (try? CanonicalJSON.encode(outcome.json)) ?? [], as: UTF8.self)
    }

    /// `rejected` with just an operation index and a reason.
    package static func rejected(op: Int, reason: ReasonCode) -> Outcome {
        .rejected(Rejection(op: op, reason: reason))
    }

    /// `applied`, `conflicted` or `rejected`.
    package var kind: String {
        switch self {
        case .applied: "applied"
        case .conflicted: "conflicted"
        case .rejected: "rejected"
        }
    }

    /// The JSON form: `{"kind":"applied"}` or
    /// `{"holders":["HB-…"],"kind":"rejected","op":2,"reason":"slot.taken"}`.
    package var json: JSONValue {
        guard case .rejected(let rejection) = self else { return .object([JSONMember("kind", .string(kind))]) }
        var members = [
            JSONMember("kind", .string(kind)), JSONMember("op", .int(rejection.op)),
            JSONMember("reason", .string(rejection.reason.rawValue)),
        ]
        if let field = rejection.field { members.append(JSONMember("field", .string(field))) }
        if !rejection.holders.isEmpty {
            members.append(JSONMember("holders", .array(rejection.holders.map { .string($0) })))
        }
        return .object(members)
    }
}

/// Why a change set was rejected: the index of the refused operation, the reason, and for some reasons a detail.
package struct Rejection: Error, Sendable, Hashable {
    /// The index of the refused operation in the change set (0-based).
    package var op: Int
    package var reason: ReasonCode
    /// For `value.invalid`: the field whose value is malformed (`prices[1].shift`).
    package var field: String?
    /// For `slot.taken`: the holders of the taken units (booking codes or `block:<id>`), in unit order.
    package var holders: [String]

    package init(op: Int = 0, reason: ReasonCode, field: String? = nil, holders: [String] = []) {
        self.op = op
        self.reason = reason
        self.field = field
        self.holders = holders
    }
}

/// A reason code: why an operation was rejected in apply, or why a request was refused at the relay's door.
///
/// Codes are wire strings (they are hashed into the log), so a code is never renamed; new ones may be added. A reader
/// keeps codes it does not know as they are.
package struct ReasonCode: Sendable, Hashable, CustomStringConvertible {
    package let rawValue: String
    package init(_ rawValue: String) { self.rawValue = rawValue }
    package var description: String { rawValue }
}

extension ReasonCode {
    // Authorization (apply).
    package static let authUnknownKey = ReasonCode("auth.unknown_key")
    package static let authRevoked = ReasonCode("auth.revoked")
    package static let authRole = ReasonCode("auth.role")
    package static let authNotOwner = ReasonCode("auth.not_owner")
    package static let authSource = ReasonCode("auth.source")
    package static let authStatus = ReasonCode("auth.status")
    package static let authCustomerRef = ReasonCode("auth.customer_ref")

    // Values (apply).
    package static let valueInvalid = ReasonCode("value.invalid")

    // Network, keys, owners (apply).
    package static let paramsNetworkID = ReasonCode("params.network_id")
    package static let paramsRulesDowngrade = ReasonCode("params.rules_downgrade")
    package static let keyExists = ReasonCode("key.exists")
    package static let keyUnknown = ReasonCode("key.unknown")
    package static let keyRevoked = ReasonCode("key.revoked")
    package static let ownerUnknown = ReasonCode("owner.unknown")

    // Catalogue and slots (apply).
    package static let propertyUnknown = ReasonCode("property.unknown")
    package static let propertyArchived = ReasonCode("property.archived")
    package static let blockExists = ReasonCode("block.exists")
    package static let blockUnknown = ReasonCode("block.unknown")
    package static let slotTaken = ReasonCode("slot.taken")

    // Bookings and payments (apply).
    package static let bookingExists = ReasonCode("booking.exists")
    package static let bookingUnknown = ReasonCode("booking.unknown")
    package static let bookingBadAdvance = ReasonCode("booking.bad_advance")
    package static let bookingNotPending = ReasonCode("booking.not_pending")
    package static let bookingNotWaiting = ReasonCode("booking.not_waiting")
    package static let bookingNotPayable = ReasonCode("booking.not_payable")
    package static let bookingNotConfirmable = ReasonCode("booking.not_confirmable")
    package static let bookingNotCancellable = ReasonCode("booking.not_cancellable")
    package static let bookingNotConfirmed = ReasonCode("booking.not_confirmed")
    package static let bookingNotConflicted = ReasonCode("booking.not_conflicted")
    package static let bookingHoldNotOver = ReasonCode("booking.hold_not_over")
    package static let bookingNotOver = ReasonCode("booking.not_over")
    package static let proofExists = ReasonCode("proof.exists")
    package static let proofUnknown = ReasonCode("proof.unknown")
    package static let paymentDuplicate = ReasonCode("payment.duplicate")

    /// Every code the apply function can give, with its meaning, in the order `docs/protocol.md` lists them.
    package static let applyCatalogue: [(code: ReasonCode, meaning: String)] = [
        (.authUnknownKey, "the author is not in the key registry at this position"),
        (.authRevoked, "the author's key was revoked before this position"),
        (.authRole, "the author's role may not perform this operation"),
        (.authNotOwner, "an owner key acting on another owner's property, booking or record"),
        (.authSource, "the relay key creating or paying for a booking that is not from a customer channel"),
        (.authStatus, "a status this role may not set (the relay creating a Confirmed booking)"),
        (.authCustomerRef, "a customer's cancel whose customer_ref differs from the booking's"),
        (.valueInvalid, "a field's value is malformed or out of range (the outcome names the field)"),
        (.paramsNetworkID, "network.params changing the network id"),
        (.paramsRulesDowngrade, "network.params lowering the rules version"),
        (.keyExists, "key.grant for a key already in the registry"),
        (.keyUnknown, "key.revoke for a key not in the registry"),
        (.keyRevoked, "key.grant or key.revoke for a key already revoked"),
        (.ownerUnknown, "an operation naming an owner that does not exist"),
        (.propertyUnknown, "an operation naming a property that does not exist"),
        (.propertyArchived, "a booking or block on an archived property"),
        (.blockExists, "slot.block reusing a block id"),
        (.blockUnknown, "slot.unblock of an unknown or already removed block"),
        (.slotTaken, "a block, late confirm, revived proof or reinstate whose units are held"),
        (.bookingExists, "booking.create reusing a booking id"),
        (.bookingUnknown, "an operation naming a booking that does not exist"),
        (.bookingBadAdvance, "advance < 0, amount < 0 or advance > amount"),
        (.bookingNotPending, "expire of a booking that is not Pending; a customer cancel of one that is not Pending"),
        (.bookingNotWaiting, "reject_payment of a booking that is not Waiting"),
        (.bookingNotPayable, "a proof for a booking that is not Pending, Waiting or Expired"),
        (.bookingNotConfirmable, "confirm of a booking that is not Pending, Waiting or Expired"),
        (.bookingNotCancellable, "cancel of a booking that is not Pending, Waiting or Confirmed"),
        (.bookingNotConfirmed, "complete of a booking that is not Confirmed"),
        (.bookingNotConflicted, "reinstate of a booking that is not Conflicted"),
        (.bookingHoldNotOver, "expire before the entry's relay time reaches hold_until"),
        (.bookingNotOver, "complete before the entry's relay time reaches the shift's end"),
        (.proofExists, "booking.payment reusing a proof id"),
        (.proofUnknown, "payment.extracted for a proof that does not exist on that booking"),
        (.paymentDuplicate, "confirm while the current proof is a duplicate, without accept_duplicate"),
    ]
}

extension ReasonCode {
    // The relay's door: a change set or request refused here is answered 4xx and never sequenced. The relay also
    // answers every `WireError` code of the decoder (`json.*`, `changeset.*`, `encoding.*`, `signature.bad`) as is.
    package static let authMissing = ReasonCode("auth.missing")
    package static let authBadSignature = ReasonCode("auth.bad_signature")
    package static let authClockSkew = ReasonCode("auth.clock_skew")
    package static let authReplay = ReasonCode("auth.replay")
    package static let counterGap = ReasonCode("counter.gap")
    package static let counterReused = ReasonCode("counter.reused")
    package static let baseMismatch = ReasonCode("base.mismatch")
    package static let rulesVersion = ReasonCode("rules.version")
    package static let pushTooLarge = ReasonCode("push.too_large")

    /// Every door code with its meaning, in the order `docs/protocol.md` lists them.
    package static let doorCatalogue: [(code: ReasonCode, meaning: String)] = [
        (.pushTooLarge, "the request body is over 4 MiB or holds more than 1,000 change sets (413)"),
        (.authMissing, "a signed request without, or with malformed, signature headers"),
        (.authBadSignature, "a request signature that does not verify"),
        (.authUnknownKey, "a request or change set from a key not in the registry at the relay's head"),
        (.authRevoked, "a request or change set from a key revoked at the relay's head (carries revoked_at_seq)"),
        (.authClockSkew, "a request timestamp more than 5 minutes from the relay's clock (carries server_time)"),
        (.authReplay, "a request nonce already seen within the timestamp window"),
        (.counterGap, "a change set whose counter is not the author's last sequenced counter + 1"),
        (.counterReused, "a change set whose (author, counter) is sequenced with different bytes"),
        (.baseMismatch, "base_seq past the relay's head, or base_hash not the hash of the entry at base_seq (409)"),
        (.rulesVersion, "an operation that the network's rules version does not enable yet"),
    ]
}
