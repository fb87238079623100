import GRDB
import Store
import TestSupport
import Testing

/// Customer details on a full replica: sealed to the property's owner, the admins and the relay; everyone else
/// holds only ciphertext and a masked phone.
@Suite struct PrivacyTests {
    static let property = TestID.uuid(1, kind: 0xB)
    static let booking = TestID.uuid(1, kind: 1)
    static let details = ContactDetails(name: "Bilal Khan", phone: "923331234567", cnic: "4210112345671")

    static func bookSealed(_ harness: inout StoreHarness, id: String = booking, date: String = "2026-12-05") throws {
        let recipients = try harness.store.sealingRecipients(propertyID: property)
        let contact = try PrivateDetails.seal(details, to: recipients)
        try harness.apply(
            [
                .bookingCreate(
                    BookingCreate(
                        bookingID: id, propertyID: property, date: date, shift: "Day", status: "Pending",
                        source: "phone", amount: 20000, advance: 5000, phoneMask: "567", contact: contact))
            ],
            by: harness.ownerA)
    }

    @Test func recipientsAreTheOwnersKeysTheAdminsAndTheRelayUnrevoked() throws {
        var harness = try StoreHarness()
        try harness.addProperty(Self.property)
        let expected = [harness.ownerA.publicKey, harness.log.admin.publicKey, harness.log.relay.publicKey].sorted()
        #expect(try harness.store.sealingRecipients(propertyID: Self.property) == expected)
        let secondLaptop = try SigningKey(seed: [UInt8](repeating: 0x33, count: 32))
        try harness.apply(
            [Catalogue.grant(secondLaptop, role: "owner", owner: StoreHarness.ownerAID)], by: harness.log.admin)
        try harness.apply([.keyRevoke(KeyRevoke(publicKey: harness.ownerA.publicKey.hex))], by: harness.log.admin)
        #expect(
            try harness.store.sealingRecipients(propertyID: Self.property)
                == [secondLaptop.publicKey, harness.log.admin.publicKey, harness.log.relay.publicKey].sorted())
    }

    @Test func theOwnerAndAnAdminReadTheCustomerAnotherOwnerSeesCiphertext() throws {
        var harness = try StoreHarness()
        try harness.addProperty(Self.property)
        try Self.bookSealed(&harness)

        let owner = try #require(try harness.store.customer(ofBooking: Self.booking, reader: harness.ownerA))
        #expect(owner == CustomerView(name: "Bilal Khan", phone: "923331234567", cnic: "42101-1234567-1", opened: true))
        let admin = try #require(try harness.store.customer(ofBooking: Self.booking, reader: harness.log.admin))
        #expect(admin == CustomerView(name: "Bilal Khan", phone: "923331234567", cnic: "42101-*******-1", opened: true))
        let other = try #require(try harness.store.customer(ofBooking: Self.booking, reader: harness.ownerB))
        #expect(other == CustomerView(name: "(private)", phone: "*******567", cnic: "(private)", opened: false))

        // What the other owner's replica holds: no name, phone or CNIC in clear anywhere in the booking row.
        let row = try #require(try harness.booking(Self.booking))
        let stored = row.databaseValues.map { "\($0)" }.joined(separator: " ")
        for secret in ["Bilal", "923331234567", "4210112345671"] { #expect(!stored.contains(secret)) }
    }

    @Test func theDigestCoversTheCiphertext() throws {
        // The same booking sealed twice (fresh ephemeral keys) in two replicas: different ciphertext, different digest.
        var first = try StoreHarness()
        var second = try StoreHarness()
        try first.addProperty(Self.property)
        try second.addProperty(Self.property)
        #expect(try first.store.position().digest == second.store.position().digest)
        try Self.bookSealed(&first)
        try Self.bookSealed(&second)
        #expect(try first.booking(Self.booking)?["contact"] as String? != second.booking(Self.booking)?["contact"])
        #expect(try first.store.position().digest != second.store.position().digest)
    }

    @Test func proofDetailsOpenForTheOwnerAndStayPrivateForOthers() throws {
        var harness = try StoreHarness()
        try harness.addProperty(Self.property)
        try Self.bookSealed(&harness)
        let recipients = try harness.store.sealingRecipients(propertyID: Self.property)
        let sealed = try PrivateDetails.seal(
            ProofDetails(transactionID: "TX-778899", senderName: "Bilal"), to: recipients)
        let proof = Operation.bookingPayment(
            BookingPayment(
                proofID: TestID.uuid(1, kind: 0xF), bookingID: Self.booking, method: "jazzcash", amount: 4000,
                txnHash: DerivedHashes.txnHash(method: "jazzcash", transactionID: "TX-778899"), sealed: sealed))
        try harness.apply([proof], by: harness.ownerA)
        let owner = try #require(try harness.store.currentProof(ofBooking: Self.booking, reader: harness.ownerA))
        #expect(owner.transactionID == "TX-778899")
        #expect(owner.amount == 4000)
        #expect(owner.warnings == ["underpaid", "payee_unknown"])
        let other = try #require(try harness.store.currentProof(ofBooking: Self.booking, reader: harness.ownerB))
        #expect(other.transactionID == "(private)")
        let stored = try harness.store.writer.read { db in
            try String.fetchOne(db, sql: "SELECT sealed FROM payment_proofs")!
        }
        #expect(!stored.contains("TX-778899") && !stored.contains("Bilal"))
    }

    @Test func cnicsNormaliseDisplayAndMask() {
        #expect(CNIC.normalise("42101-1234567-1") == "4210112345671")
        #expect(CNIC.normalise("42101 1234567 1") == "4210112345671")
        #expect(CNIC.normalise("42101-1234567") == nil)
        #expect(CNIC.normalise("4210112345６71") == nil)
        #expect(CNIC.display("4210112345671") == "42101-1234567-1")
        #expect(CNIC.masked("4210112345671") == "42101-*******-1")
    }
}
