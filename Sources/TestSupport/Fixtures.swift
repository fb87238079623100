package import Wire

/// Keys and change sets shared by the tests.
package enum Fixtures {
    package static let admin = try! SigningKey(seed: TestVectors.adminSeed)
    package static let owner = try! SigningKey(seed: TestVectors.ownerSeed)
    package static let relay = try! SigningKey(seed: TestVectors.relaySeed)
    package static let time = UTCTime("2026-11-25T09:30:00Z")!
    package static let propertyID = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
    package static let bookingID = "3a1f5c7e-9b2d-4f6a-8c0e-2b4d6f8a0c1e"
    package static let payee = PaymentAccount(method: "jazzcash", account: "03011234567", title: "Ahmed Ali")
    package static let sealed = [SealedCopy(key: owner.publicKey.hex, box: "AAAA")]

    /// One operation of every kind, with every optional field set.
    package static let everyOperation: [Operation] = [
        .networkParams(
            NetworkParams(
                networkID: "n", rulesVersion: 1, timeZone: "Asia/Karachi", utcOffsetMinutes: 300, codePrefix: "HB")),
        .platformPayee(PlatformPayee(payee: payee)),
        .keyGrant(KeyGrant(publicKey: owner.publicKey.hex, role: "owner", ownerID: "o", label: "laptop")),
        .keyRevoke(KeyRevoke(publicKey: owner.publicKey.hex)),
        .ownerPut(OwnerPut(ownerID: "o", name: "احمد", phone: "923001234567", payment: payee)),
        .propertyPut(
            PropertyPut(
                propertyID: propertyID, ownerID: "o", name: "Sahil", type: "farm", city: "Karachi", province: "Sindh",
                country: "Pakistan", address: "Hawksbay", description: "pool", maxGuests: 40, contactPhone: "92213",
                advancePercent: 25, holdMinutes: 30)),
        .propertyPrices(
            PropertyPrices(propertyID: propertyID, prices: [WeeklyPrice(weekday: "mon", shift: "Day", amount: 1)])),
        .propertyPriceOverride(
            PropertyPriceOverride(
                propertyID: propertyID, overrides: [DatePrice(date: "2026-12-25", shift: "Night", amount: 2)])),
        .propertyAmenities(PropertyAmenities(propertyID: propertyID, amenities: ["pool", "wifi"])),
        .propertyMedia(PropertyMedia(propertyID: propertyID, photos: ["https://x/1.jpg"], videos: [])),
        .propertyArchive(PropertyArchive(propertyID: propertyID, archived: true)),
        .slotBlock(SlotBlock(blockID: "b", propertyID: propertyID, date: "2026-12-07", shift: "Day", reason: "repair")),
        .slotUnblock(SlotUnblock(blockID: "b")),
        .bookingCreate(
            BookingCreate(
                bookingID: bookingID, propertyID: propertyID, date: "2026-12-05", shift: "Full Night",
                status: "Pending",
                source: "whatsapp", amount: 55000, advance: 13750, payee: payee, guests: 20, phoneMask: "567",
                customerRef: String(repeating: "ab", count: 32), contact: sealed)),
        .bookingPayment(
            BookingPayment(
                proofID: "p", bookingID: bookingID, method: "jazzcash", amount: 13750, txnHash: "h", sealed: sealed)),
        .paymentExtracted(
            PaymentExtracted(
                proofID: "p", bookingID: bookingID, amount: 13750, txnHash: "h", receiverAccount: "0301",
                paidAt: "2026-11-25T10:00:00Z", extractor: "gemini", sealed: sealed)),
        .bookingConfirm(BookingConfirm(bookingID: bookingID, acceptDuplicate: true, actor: "admin")),
        .bookingRejectPayment(BookingRejectPayment(bookingID: bookingID, reason: "no money", actor: "admin")),
        .bookingCancel(BookingCancel(bookingID: bookingID, reason: "changed plans", customerRef: "r")),
        .bookingExpire(BookingExpire(bookingID: bookingID)),
        .bookingComplete(BookingComplete(bookingID: bookingID)),
        .bookingReinstate(BookingReinstate(bookingID: bookingID, status: "Confirmed")),
    ]

    package static func changeSet(_ ops: [Operation], author: SigningKey = owner, counter: Int = 1) -> ChangeSet {
        ChangeSet(
            author: author.publicKey, counter: counter, baseSeq: 0, baseHash: [UInt8](repeating: 0, count: 32),
            time: time, ops: ops)
    }

    /// Canonical bytes of `text` after replacing `old` by `new` (bytes, not `String` search).
    package static func edit(_ bytes: [UInt8], _ old: String, _ new: String) -> [UInt8] {
        let old = Array(old.utf8)
        guard
            let start = (0...(bytes.count - old.count)).first(where: { bytes[$0..<($0 + old.count)].elementsEqual(old) }
            )
        else { fatalError("edit does not apply") }
        return Array(bytes[..<start]) + Array(new.utf8) + Array(bytes[(start + old.count)...])
    }
}

/// The error of type `E` that `body` throws, or nil when it throws nothing (or something else).
package func thrown<E: Error>(_ type: E.Type, by body: () throws -> Void) -> E? {
    do {
        try body()
        return nil
    } catch {
        return error as? E
    }
}

/// The wire error code `body` throws, or nil when it does not throw one.
package func wireErrorCode(_ body: () throws -> Void) -> WireError.Code? { thrown(WireError.self, by: body)?.code }
