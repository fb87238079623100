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
