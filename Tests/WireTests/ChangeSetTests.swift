import TestSupport
import Testing

@testable import Wire

@Suite struct ChangeSetTests {
    @Test func catalogueHasEveryOperationOfTheSpecs() {
        #expect(
            Set(Operation.allNames) == [
                "network.params", "platform.payee", "key.grant", "key.revoke", "owner.put", "property.put",
                "property.prices", "property.price_override", "property.amenities", "property.media",
                "property.archive", "slot.block", "slot.unblock", "booking.create", "booking.payment",
                "payment.extracted", "booking.confirm", "booking.reject_payment", "booking.cancel", "booking.expire",
                "booking.complete", "booking.reinstate",
            ])
        #expect(Set(Fixtures.everyOperation.map(\.name)) == Set(Operation.allNames))
    }

    @Test(arguments: Fixtures.everyOperation)
    func everyOperationRoundTripsThroughSignedBytes(operation: Operation) throws {
        let signed = try SignedChangeSet(signing: Fixtures.changeSet([operation]), with: Fixtures.owner)
        let received = try SignedChangeSet(bytes: signed.bytes, signature: signed.signature)
        #expect(received.changeSet.ops == [operation])
        #expect(received.verify())
        #expect(try received.changeSet.canonicalBytes() == signed.bytes)
    }

    @Test func optionalFieldsAreOmittedNotNull() throws {
        let bytes = try Fixtures.changeSet([
            .slotBlock(SlotBlock(blockID: "b", propertyID: "p", date: "d", shift: "Day"))
        ])
        .canonicalBytes()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("reason"))
        #expect(!text.contains("null"))
        #expect(text.contains(#"{"block_id":"b","date":"d","op":"slot.block","property_id":"p","shift":"Day"}"#))
    }

    @Test func refusesUnknownOperationsMissingFieldsAndWrongTypes() throws {
        let bytes = try Fixtures.changeSet([.bookingExpire(BookingExpire(bookingID: "b"))]).canonicalBytes()
        let decode = { (input: [UInt8]) in { _ = try ChangeSet.decode(canonical: input) } }
        #expect(wireErrorCode(decode(Fixtures.edit(bytes, "booking.expire", "booking.explode"))) == .unknownOperation)
        #expect(wireErrorCode(decode(Fixtures.edit(bytes, #""booking_id":"b","#, ""))) == .missingField)
        #expect(wireErrorCode(decode(Fixtures.edit(bytes, #""booking_id":"b""#, #""booking_id":7"#))) == .wrongType)
        #expect(wireErrorCode(decode(Fixtures.edit(bytes, #""counter":1"#, #""counter":"1""#))) == .wrongType)
        #expect(
            wireErrorCode(decode(Fixtures.edit(bytes, #""op":"booking.expire""#, #""op":"booking.expire","x":1"#)))
                == .unknownField)
        #expect(wireErrorCode(decode(Fixtures.edit(bytes, #""time""#, #""t":1,"time""#))) == .unknownField)
        #expect(wireErrorCode(decode(Fixtures.edit(bytes, #""v":1"#, #""v":2"#))) == .unsupportedVersion)
        #expect(wireErrorCode(decode(Fixtures.edit(bytes, #""v":1"#, #""v":"1""#))) == .wrongType)
        #expect(wireErrorCode(decode(Fixtures.edit(bytes, #","v":1"#, ""))) == .missingField)
        #expect(wireErrorCode(decode(Array("[1]".utf8))) == .notAnObject)
    }

    @Test func unknownFieldsAreFoundInNestedObjects() throws {
        let bytes = try Fixtures.changeSet([.platformPayee(PlatformPayee(payee: Fixtures.payee))]).canonicalBytes()
        do {
            _ = try ChangeSet.decode(canonical: Fixtures.edit(bytes, #""title""#, #""tip":1,"title""#))
            Issue.record("accepted an unknown nested field")
        } catch {
            #expect(error.code == .unknownField)
            #expect(error.message.contains("ops[0].payee.tip") || error.message.contains("payee.tip"))
        }
    }

    @Test func checksTheEnvelope() throws {
        let bytes = try Fixtures.changeSet([.bookingExpire(BookingExpire(bookingID: "b"))]).canonicalBytes()
        let decode = { (input: [UInt8]) in { _ = try ChangeSet.decode(canonical: input) } }
        #expect(wireErrorCode(decode(Fixtures.edit(bytes, #""counter":1"#, #""counter":0"#))) == .badEnvelope)
        #expect(wireErrorCode(decode(Fixtures.edit(bytes, #""base_seq":0"#, #""base_seq":-1"#))) == .badEnvelope)
        #expect(wireErrorCode(decode(Fixtures.edit(bytes, "09:30:00Z", "09:30:00+05:00"))) == .badEnvelope)
        #expect(wireErrorCode(decode(Fixtures.edit(bytes, #""base_hash":"00"#, #""base_hash":"0A"#))) == .badEnvelope)
        let noOps = Fixtures.changeSet([])
        #expect(wireErrorCode { _ = try noOps.canonicalBytes() } == .noOperations)
        let tooMany = Fixtures.changeSet(Array(repeating: .bookingExpire(BookingExpire(bookingID: "b")), count: 65))
        #expect(wireErrorCode { _ = try tooMany.canonicalBytes() } == .tooManyOperations)
        let sixtyFour = Fixtures.changeSet(Array(repeating: .bookingExpire(BookingExpire(bookingID: "b")), count: 64))
        _ = try sixtyFour.canonicalBytes()
    }

    @Test func refusesChangeSetsOverTheSizeLimit() {
        let note = String(repeating: "x", count: 4000)
        let big = Fixtures.changeSet(
            Array(repeating: .bookingCancel(BookingCancel(bookingID: "b", reason: note)), count: 17))
        #expect(wireErrorCode { _ = try big.canonicalBytes() } == .tooLarge)
    }

    @Test func neverSignsWhatTheDecoderWouldRefuse() {
        let decomposed = Fixtures.changeSet([.slotUnblock(SlotUnblock(blockID: "cafe\u{301}"))])
        #expect(wireErrorCode { _ = try SignedChangeSet(signing: decomposed, with: Fixtures.owner) } == .notNFC)
        let wrongAuthor = Fixtures.changeSet([.slotUnblock(SlotUnblock(blockID: "b"))], author: Fixtures.admin)
        #expect(wireErrorCode { _ = try SignedChangeSet(signing: wrongAuthor, with: Fixtures.owner) } == .badSignature)
    }
}

/// Refusals of `ChangeSet.decode(canonical:)`: which one wins when several apply, and their exact messages. The
/// decoder finds unknown fields by tracking which members it read; these pin that it names the same field, with
/// the same message and in the same order of checks, as the re-encoding comparison it replaced.
@Suite struct ChangeSetRefusalTests {
    /// A `booking.create` with a payee and two sealed copies.
    static let bytes = try! Fixtures.changeSet([
        .bookingCreate(
            BookingCreate(
                bookingID: Fixtures.bookingID, propertyID: Fixtures.propertyID, date: "2026-12-05", shift: "Day",
                status: "Pending", source: "phone", amount: 10000, advance: 2500, payee: Fixtures.payee, guests: 4,
                phoneMask: "567",
                contact: [
                    SealedCopy(key: Fixtures.owner.publicKey.hex, box: "AAAA"),
                    SealedCopy(key: Fixtures.admin.publicKey.hex, box: "BBBB"),
                ]))
    ])
    .canonicalBytes()

    /// The refusal of `bytes` after the edits, or nil when it decodes.
    static func refusal(_ edits: (String, String)...) -> WireError? {
        let input = edits.reduce(bytes) { Fixtures.edit($0, $1.0, $1.1) }
        return thrown(WireError.self) { _ = try ChangeSet.decode(canonical: input) }
    }

    static func unknown(_ path: String) -> WireError { WireError(.unknownField, "unknown field \(path)") }

    @Test func theUneditedChangeSetDecodes() throws {
        #expect(Self.refusal() == nil)
        #expect(try ChangeSet.decode(canonical: Self.bytes).canonicalBytes() == Self.bytes)
    }

    @Test func unknownFieldsAreNamedByTheirPathAtAnyDepth() {
        #expect(Self.refusal((#""box":"BBBB""#, #""box":"BBBB","c":1"#)) == Self.unknown("ops[0].contact[1].c"))
        #expect(Self.refusal((#""box":"AAAA""#, #""a":[],"box":"AAAA""#)) == Self.unknown("ops[0].contact[0].a"))
        #expect(Self.refusal((#""method""#, #""b":true,"method""#)) == Self.unknown("ops[0].payee.b"))
        #expect(Self.refusal((#""op":"#, #""oops":null,"op":"#)) == Self.unknown("ops[0].oops"))
        #expect(Self.refusal((#""advance""#, #""a":1,"advance""#)) == Self.unknown("ops[0].a"))
        // An unknown member holding an object is named itself, not by what is inside it.
        #expect(Self.refusal((#","v":1}"#, #","v":1,"x":{"y":1}}"#)) == Self.unknown("x"))
        #expect(Self.refusal((#""author""#, #""a":{"b":[1]},"author""#)) == Self.unknown("a"))
    }

    @Test func theFirstUnknownFieldInTheBytesIsTheOneNamed() {
        let deep = (#""box":"AAAA""#, #""box":"AAAA","c":1"#)
        // `ops` comes before `p`: the field inside the operation is named.
        #expect(Self.refusal(deep, (#""time""#, #""p":1,"time""#)) == Self.unknown("ops[0].contact[0].c"))
        // `a` comes before everything.
        #expect(Self.refusal(deep, (#""author""#, #""a":1,"author""#)) == Self.unknown("a"))
        // Within the operation, `contact` comes before `payee`.
        #expect(Self.refusal(deep, (#""method""#, #""b":1,"method""#)) == Self.unknown("ops[0].contact[0].c"))
    }

    @Test func missingFieldsWrongTypesAndTheEnvelopeComeBeforeUnknownFields() {
        let unknown = (#""box":"BBBB""#, #""box":"BBBB","c":1"#)
        #expect(
            Self.refusal(unknown, (#","shift":"Day""#, ""))
                == WireError(.missingField, "missing field ops[0].shift"))
        #expect(
            Self.refusal(unknown, (#""guests":4"#, #""guests":"4""#))
                == WireError(.wrongType, "ops[0].guests: expected an integer, found string"))
        #expect(
            Self.refusal(unknown, (#""counter":1"#, #""counter":0"#))
                == WireError(.badEnvelope, "counter: starts at 1"))
        #expect(
            Self.refusal(unknown, (#""booking.create""#, #""booking.created""#))
                == WireError(.unknownOperation, #"unknown operation "booking.created": upgrade HutSync"#))
    }

    @Test func missingFieldsAndWrongTypesNameTheirPath() {
        let key = Fixtures.admin.publicKey.hex
        #expect(
            Self.refusal((#""key":"\#(key)""#, #""key":7"#))
                == WireError(.wrongType, "ops[0].contact[1].key: expected a string, found integer"))
        #expect(
            Self.refusal((#","key":"\#(key)""#, ""))
                == WireError(.missingField, "missing field ops[0].contact[1].key"))
        #expect(
            Self.refusal(
                (#""payee":{"account":"03011234567","method":"jazzcash","title":"Ahmed Ali"}"#, #""payee":"x""#))
                == WireError(.wrongType, "ops[0].payee: expected Dictionary<String, Any>, found string"))
        #expect(
            Self.refusal((#""contact":["#, #""contact":[7,"#))
                == WireError(.wrongType, "ops[0].contact[0]: expected Dictionary<String, Any>, found integer"))
        #expect(
            Self.refusal((#""contact":["#, #""contact":{"a":["#), (#"}],"date""#, #"}]},"date""#))
                == WireError(.wrongType, "ops[0].contact: expected Array<Any>, found object"))
        #expect(
            Self.refusal((#""op":"booking.create","#, ""))
                == WireError(.missingField, "missing field ops[0].op"))
        #expect(
            Self.refusal((#""phone_mask":"567""#, #""phone_mask":true"#))
                == WireError(.wrongType, "ops[0].phone_mask: expected a string, found boolean"))
        #expect(
            Self.refusal((#""base_seq":0"#, #""base_seq":null"#))
                == WireError(.wrongType, "base_seq: expected an integer, found null"))
    }
}

/// `JSONValueDecoder.decodeTrackingReads`: what counts as read.
@Suite struct DecoderReadTrackingTests {
    private enum Keys: String, CodingKey { case a, b, inner }

    /// Reads `a`, and only asks whether `b` is there.
    private struct AskingOnly: Decodable {
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            _ = try container.decode(Int.self, forKey: .a)
            _ = container.contains(.b)
        }
    }

    /// Opens `inner` twice, reading `a` the first time and `b` the second (as an operation is read: `op`, then
    /// its body).
    private struct ReadingTwice: Decodable {
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            _ = try container.nestedContainer(keyedBy: Keys.self, forKey: .inner).decode(Int.self, forKey: .a)
            _ = try container.nestedContainer(keyedBy: Keys.self, forKey: .inner).decode(Int.self, forKey: .b)
        }
    }

    /// Reads the first element of the array in `inner` only.
    private struct FirstElementOnly: Decodable {
        init(from decoder: any Decoder) throws {
            var elements = try decoder.container(keyedBy: Keys.self).nestedUnkeyedContainer(forKey: .inner)
            _ = try elements.decode(Int.self)
        }
    }

    private func readEverything<T: Decodable>(_ type: T.Type, _ text: String) throws -> Bool {
        try JSONValueDecoder.decodeTrackingReads(type, from: CanonicalJSON.decode(Array(text.utf8))).readEverything
    }

    @Test func askingWhetherAMemberIsThereIsNotReadingIt() throws {
        #expect(try readEverything(AskingOnly.self, #"{"a":1}"#))
        #expect(try !readEverything(AskingOnly.self, #"{"a":1,"b":2}"#))
    }

    @Test func aValueOpenedTwiceIsTrackedOnce() throws {
        #expect(try readEverything(ReadingTwice.self, #"{"inner":{"a":1,"b":2}}"#))
        #expect(try !readEverything(ReadingTwice.self, #"{"inner":{"a":1,"b":2,"c":3}}"#))
    }

    @Test func unreadArrayElementsCount() throws {
        #expect(try readEverything(FirstElementOnly.self, #"{"inner":[1]}"#))
        #expect(try !readEverything(FirstElementOnly.self, #"{"inner":[1,2]}"#))
    }

    @Test func everyReadOfTheWireTypesCounts() throws {
        let value = try CanonicalJSON.decode(ChangeSetRefusalTests.bytes)
        #expect(try JSONValueDecoder.decodeTrackingReads(ChangeSet.self, from: value).readEverything)
        let extra = try CanonicalJSON.decode(
            Fixtures.edit(ChangeSetRefusalTests.bytes, #""box":"BBBB""#, #""box":"BBBB","c":1"#))
        #expect(try !JSONValueDecoder.decodeTrackingReads(ChangeSet.self, from: extra).readEverything)
    }
}
