/// One operation of a change set: on the wire, an object whose `op` member names the kind and whose other members
/// are that kind's fields.
package enum Operation: Sendable, Hashable {
    case networkParams(NetworkParams)
    case platformPayee(PlatformPayee)
    case keyGrant(KeyGrant)
    case keyRevoke(KeyRevoke)
    case ownerPut(OwnerPut)
    case propertyPut(PropertyPut)
    case propertyPrices(PropertyPrices)
    case propertyPriceOverride(PropertyPriceOverride)
    case propertyAmenities(PropertyAmenities)
    case propertyMedia(PropertyMedia)
    case propertyArchive(PropertyArchive)
    case slotBlock(SlotBlock)
    case slotUnblock(SlotUnblock)
    case bookingCreate(BookingCreate)
    case bookingPayment(BookingPayment)
    case paymentExtracted(PaymentExtracted)
    case bookingConfirm(BookingConfirm)
    case bookingRejectPayment(BookingRejectPayment)
    case bookingCancel(BookingCancel)
    case bookingExpire(BookingExpire)
    case bookingComplete(BookingComplete)
    case bookingReinstate(BookingReinstate)

    /// The operation's fields.
    package var body: any OperationBody {
        switch self {
        case .networkParams(let body): body
        case .platformPayee(let body): body
        case .keyGrant(let body): body
        case .keyRevoke(let body): body
        case .ownerPut(let body): body
        case .propertyPut(let body): body
        case .propertyPrices(let body): body
        case .propertyPriceOverride(let body): body
        case .propertyAmenities(let body): body
        case .propertyMedia(let body): body
        case .propertyArchive(let body): body
        case .slotBlock(let body): body
        case .slotUnblock(let body): body
        case .bookingCreate(let body): body
        case .bookingPayment(let body): body
        case .paymentExtracted(let body): body
        case .bookingConfirm(let body): body
        case .bookingRejectPayment(let body): body
        case .bookingCancel(let body): body
        case .bookingExpire(let body): body
        case .bookingComplete(let body): body
        case .bookingReinstate(let body): body
        }
    }

    /// The name on the wire (`booking.create`).
    package var name: String { type(of: body).name }

    /// Every operation name of format version 1, in the order `docs/protocol.md` lists them.
    package static let allNames: [String] = catalogue.map(\.name)

    private typealias Make = @Sendable (any Decoder) throws -> Operation

    private static let catalogue: [(name: String, make: Make)] = [
        (NetworkParams.name, { .networkParams(try NetworkParams(from: $0)) }),
        (PlatformPayee.name, { .platformPayee(try PlatformPayee(from: $0)) }),
        (KeyGrant.name, { .keyGrant(try KeyGrant(from: $0)) }),
        (KeyRevoke.name, { .keyRevoke(try KeyRevoke(from: $0)) }),
        (OwnerPut.name, { .ownerPut(try OwnerPut(from: $0)) }),
        (PropertyPut.name, { .propertyPut(try PropertyPut(from: $0)) }),
        (PropertyPrices.name, { .propertyPrices(try PropertyPrices(from: $0)) }),
        (PropertyPriceOverride.name, { .propertyPriceOverride(try PropertyPriceOverride(from: $0)) }),
        (PropertyAmenities.name, { .propertyAmenities(try PropertyAmenities(from: $0)) }),
        (PropertyMedia.name, { .propertyMedia(try PropertyMedia(from: $0)) }),
        (PropertyArchive.name, { .propertyArchive(try PropertyArchive(from: $0)) }),
        (SlotBlock.name, { .slotBlock(try SlotBlock(from: $0)) }),
        (SlotUnblock.name, { .slotUnblock(try SlotUnblock(from: $0)) }),
        (BookingCreate.name, { .bookingCreate(try BookingCreate(from: $0)) }),
        (BookingPayment.name, { .bookingPayment(try BookingPayment(from: $0)) }),
        (PaymentExtracted.name, { .paymentExtracted(try PaymentExtracted(from: $0)) }),
        (BookingConfirm.name, { .bookingConfirm(try BookingConfirm(from: $0)) }),
        (BookingRejectPayment.name, { .bookingRejectPayment(try BookingRejectPayment(from: $0)) }),
        (BookingCancel.name, { .bookingCancel(try BookingCancel(from: $0)) }),
        (BookingExpire.name, { .bookingExpire(try BookingExpire(from: $0)) }),
        (BookingComplete.name, { .bookingComplete(try BookingComplete(from: $0)) }),
        (BookingReinstate.name, { .bookingReinstate(try BookingReinstate(from: $0)) }),
    ]

    private static let makers: [String: Make] = Dictionary(uniqueKeysWithValues: catalogue.map { ($0.name, $0.make) })
}

extension Operation: Codable {
    private enum Keys: String, CodingKey { case op }

    package init(from decoder: any Decoder) throws {
        let name = try decoder.container(keyedBy: Keys.self).decode(String.self, forKey: .op)
        guard let make = Self.makers[name] else {
            throw WireError(.unknownOperation, "unknown operation \"\(name)\": upgrade HutSync")
        }
        self = try make(decoder)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(name, forKey: .op)
        try body.encode(to: encoder)
    }
}
