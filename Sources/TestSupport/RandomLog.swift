package import Store
import Wire

/// Seeded random logs over a small network: two owners with three properties each, a reviewer and spare keys, and
/// every operation this version applies — valid, unauthorized, malformed and conflicting — from every role.
package enum RandomLog {
    package static let ownerIDs = [TestID.uuid(1, kind: 0xA), TestID.uuid(2, kind: 0xA)]
    package static let owners = [Fixtures.owner, try! SigningKey(seed: [UInt8](repeating: 0x04, count: 32))]
    package static let reviewer = try! SigningKey(seed: [UInt8](repeating: 0x05, count: 32))
    package static let spare = (0..<3).map { try! SigningKey(seed: [UInt8](repeating: 0x20 + UInt8($0), count: 32)) }
    package static let properties = (0..<6).map { TestID.uuid($0 + 1, kind: 0xB) }
    /// From the log's first day, so holds run out and shifts end while the log runs.
    package static let dates = (0..<4).map { CalendarDate("2026-11-25")!.adding(days: $0).description }
    package static let transactions = ["TX1", "TX2", "TX3"].map {
        DerivedHashes.txnHash(method: "jazzcash", transactionID: $0)
    }

    /// A genesis, the set-up, then `entries` random change sets.
    package static func make(entries: Int, random: inout SeededRandom) -> [SequencedEntry] {
        var log = LogBuilder()
        var out = [log.genesis()]
        out.append(log.entry(setup(), by: log.admin))
        var operations = RandomOperations()
        for number in 0..<entries {
            let ops = operations.next(number, random: &random)
            // Half the change sets by the admin (who may do everything), so bookings apply and conflict often.
            let authors = owners + [log.admin, log.admin, log.admin, log.admin, log.relay, reviewer, spare[0]]
            let author = authors[Int.random(in: 0..<authors.count, using: &random)]
            out.append(log.entry(ops, by: author, advancing: Int.random(in: 0...1500, using: &random)))
        }
        return out
    }

    /// The network's set-up, by the admin: two owners with their keys, the reviewer, six priced properties.
    package static func setup() -> [Operation] {
        var setup: [Operation] = zip(ownerIDs, owners).flatMap { id, key in
            [Catalogue.owner(id), Catalogue.grant(key, role: "owner", owner: id)]
        }
        setup.append(Catalogue.grant(reviewer, role: "reviewer"))
        for (index, property) in properties.enumerated() {
            setup += [
                Catalogue.property(property, owner: ownerIDs[index % 2]),
                Catalogue.prices(property, amount: 10000 + index),
            ]
        }
        return setup
    }

    /// Random operations for change sets, remembering the bookings, blocks and proofs they created.
    package struct RandomOperations {
        var bookings: [String] = []
        var blocks: [String] = []
        var proofs: [(proof: String, booking: String)] = []

        package init() {}

        /// The operations of change set number `number` (1–3 of them).
        package mutating func next(_ number: Int, random: inout SeededRandom) -> [Operation] {
            let count = [1, 1, 1, 2, 3].randomElement(using: &random)!
            var ops: [Operation] = []
            for part in 0..<count {
                let id = number * 4 + part
                if Int.random(in: 0..<3, using: &random) == 0 {
                    ops.append(RandomLog.lifecycle(id, bookings: bookings, proofs: &proofs, random: &random))
                } else {
                    ops.append(RandomLog.operation(id, bookings: &bookings, blocks: &blocks, random: &random))
                }
            }
            return ops
        }
    }

    static func operation(
        _ number: Int, bookings: inout [String], blocks: inout [String], random: inout SeededRandom
    ) -> Operation {
        let property = properties.randomElement(using: &random)!
        let date = dates.randomElement(using: &random)!
        let shift = Shift.allCases.randomElement(using: &random)!
        let reference = ["ab", "cd"].randomElement(using: &random)!
        switch Int.random(in: 0..<20, using: &random) {
        case 0..<7:
            let id = TestID.uuid(number, kind: 0x1)
            bookings.append(id)
            let customer = Bool.random(using: &random)
            return Catalogue.book(
                id, property: property, date: date, shift: shift,
                status: Bool.random(using: &random) ? "Pending" : "Confirmed",
                source: customer ? "whatsapp" : "walk_in",
                customerRef: customer ? String(repeating: reference, count: 32) : nil)
        case 7..<10:
            let id = TestID.uuid(number, kind: 0xC)
            blocks.append(id)
            return Catalogue.block(id, property: property, date: date, shift: shift)
        case 10, 11:
            return .slotUnblock(SlotUnblock(blockID: blocks.randomElement(using: &random) ?? TestID.uuid(0, kind: 0xC)))
        case 12, 13:
            let reference = Bool.random(using: &random) ? String(repeating: reference, count: 32) : nil
            return .bookingCancel(
                BookingCancel(
                    bookingID: bookings.randomElement(using: &random) ?? TestID.uuid(0, kind: 1), reason: "r",
                    customerRef: reference))
        case 14:
            return .propertyPriceOverride(
                PropertyPriceOverride(
                    propertyID: property, overrides: [DatePrice(date: date, shift: shift.name, amount: number)]))
        case 15:
            return .propertyAmenities(
                PropertyAmenities(propertyID: property, amenities: (0..<(number % 4)).map { "amenity \($0)" }))
        case 16:
            return .propertyArchive(PropertyArchive(propertyID: property, archived: Bool.random(using: &random)))
        case 17:
            let key = spare.randomElement(using: &random)!
            return Bool.random(using: &random)
                ? Catalogue.grant(key, role: "reviewer") : .keyRevoke(KeyRevoke(publicKey: key.publicKey.hex))
        case 18:
            return .propertyMedia(PropertyMedia(propertyID: property, photos: ["https://p/\(number).jpg"], videos: []))
        default:
            // A malformed value: rejected, never applied.
            return Catalogue.block(TestID.uuid(number, kind: 0xC), property: property, date: "2026-02-30", shift: shift)
        }
    }

    /// Payments, extractions, confirmations, rejections, expiries, completions and reinstatements of random bookings.
    static func lifecycle(
        _ number: Int, bookings: [String], proofs: inout [(proof: String, booking: String)], random: inout SeededRandom
    ) -> Operation {
        // Mostly recent bookings, which are likelier to exist and to be in a state the operation applies to.
        let booking = bookings.suffix(8).randomElement(using: &random) ?? TestID.uuid(0, kind: 1)
        switch Int.random(in: 0..<8, using: &random) {
        case 0, 1:
            let proof = TestID.uuid(number, kind: 0xF)
            proofs.append((proof, booking))
            return .bookingPayment(
                BookingPayment(
                    proofID: proof, bookingID: booking, method: "jazzcash",
                    amount: Bool.random(using: &random) ? Int.random(in: 0...6000, using: &random) : nil,
                    txnHash: transactions.randomElement(using: &random), sealed: []))
        case 2:
            let (proof, booking) = proofs.randomElement(using: &random) ?? (TestID.uuid(0, kind: 0xF), booking)
            return .paymentExtracted(
                PaymentExtracted(
                    proofID: proof, bookingID: booking, amount: Int.random(in: 0...6000, using: &random),
                    txnHash: transactions.randomElement(using: &random), receiverAccount: "0301 1234567"))
        case 3: return .bookingConfirm(BookingConfirm(bookingID: booking, acceptDuplicate: Bool.random(using: &random)))
        case 4: return .bookingRejectPayment(BookingRejectPayment(bookingID: booking, reason: "not received"))
        case 5: return .bookingExpire(BookingExpire(bookingID: booking))
        case 6: return .bookingComplete(BookingComplete(bookingID: booking))
        default:
            return .bookingReinstate(
                BookingReinstate(bookingID: booking, status: Bool.random(using: &random) ? "Pending" : "Confirmed"))
        }
    }
}
