import Foundation
import Store
import SyncNode
import Wire

/// The demo's sample network: an admin node (the relay's first admin key) that enrols an owner, whose node adds a
/// farm and a hut in Karachi with weekday and weekend prices for all four shifts, and a few bookings.
enum Demo {
    static func setUp(base: String, relay: URL, adminKey: String) async throws {
        let admin = NodeFolder(path: base + "/admin")
        let owner = NodeFolder(path: base + "/owner")
        let transport = { (key: SigningKey) -> any RelayTransport in HTTPRelayTransport(base: relay, key: key) }
        if !FileManager.default.fileExists(atPath: admin.storePath) {
            _ = try await admin.initialize(
                relay: relay, genesisHash: nil, importing: adminKey, insecure: false, transport: transport)
        }
        let ownerNode = try await owner.initialize(
            relay: relay, genesisHash: nil, importing: nil, insecure: false, transport: transport)
        let ownerID = UUIDText.timeOrdered()
        _ = try admin.write([
            .ownerPut(
                OwnerPut(
                    ownerID: ownerID, name: "Ahmed Ali", phone: "923001234567",
                    payment: PaymentAccount(method: "jazzcash", account: "03011234567", title: "Ahmed Ali"))),
            .keyGrant(
                KeyGrant(publicKey: ownerNode.publicKey.hex, role: "owner", ownerID: ownerID, label: "Ahmed's laptop")),
        ])
        _ = try await admin.syncOnce()
        _ = try await owner.syncOnce()
        let farm = try addProperty(
            owner, ownerID: ownerID, name: "Sahil Farm House", type: "farm", address: "Hawksbay Road, Plot 12",
            guests: 60, advance: 25, weekday: [25000, 30000, 45000, 50000], weekend: [35000, 42000, 63000, 70000])
        let hut = try addProperty(
            owner, ownerID: ownerID, name: "Sea View Hut", type: "hut", address: "French Beach, Hut 7",
            guests: 15, advance: 30, weekday: [8000, 10000, 15000, 16000], weekend: [12000, 14000, 22000, 24000])
        let today = owner.today(try owner.open().store)
        let bookings: [(String, Int, Shift, String, String, Bool)] = [
            (farm, 2, .day, "Bilal Khan", "03331234567", false),
            (hut, 3, .fullNight, "Sana Mirza", "03451234567", true),
            (farm, 5, .fullDay, "Usman Tariq", "03211234567", false),
        ]
        for (property, days, shift, name, phone, paid) in bookings {
            _ = try owner.book(
                BookingRequest(
                    propertyID: property, date: today.adding(days: days), shift: shift, name: name, phone: phone,
                    cnic: nil,
                    guests: nil, paid: paid, amount: nil, source: nil))
        }
        _ = try await owner.syncOnce()
        _ = try await admin.syncOnce()
    }

    private static func addProperty(
        _ node: NodeFolder, ownerID: String, name: String, type: String, address: String, guests: Int, advance: Int,
        weekday: [Int], weekend: [Int]
    ) throws -> String {
        let id = UUIDText.timeOrdered()
        let prices = Weekday.allCases.flatMap { day in
            zip(Shift.allCases, [.fri, .sat, .sun].contains(day) ? weekend : weekday).map {
                WeeklyPrice(weekday: day.rawValue, shift: $0.name, amount: $1)
            }
        }
        _ = try node.write([
            .propertyPut(
                PropertyPut(
                    propertyID: id, ownerID: ownerID, name: name, type: type, city: "Karachi", province: "Sindh",
                    country: "Pakistan", address: address, maxGuests: guests, contactPhone: "923001234567",
                    advancePercent: advance, holdMinutes: 30)),
            .propertyPrices(PropertyPrices(propertyID: id, prices: prices)),
            .propertyAmenities(PropertyAmenities(propertyID: id, amenities: ["pool", "BBQ", "parking"])),
        ])
        return id
    }

    static func printGuide(base: String, relay: String, node: String, fresh: Bool) {
        print(
            """
            HutSync demo \(fresh ? "created" : "reused") in \(base)
            relay:       \(relay)   (try \(relay)/healthz and \(relay)/v1/head)
            owner node:  \(node)   (try \(node)/status, \(node)/properties, \(node)/bookings, \(node)/conflicts)

            Try, in another terminal:
              hutsync node properties --data \(base)/owner
              hutsync node availability --data \(base)/owner --property PROPERTY_ID --date YYYY-MM-DD --days 7
              hutsync node book --data \(base)/owner --property PROPERTY_ID --date YYYY-MM-DD --shift Day --name Ali --phone 03001112223
              stop this demo (Ctrl-C), book an overlapping slot from the admin node (--data \(base)/admin), start it
              again, run `hutsync node sync` on both nodes, and see `hutsync node conflicts --data \(base)/admin`.
            """)
        fflush(nil)
    }
}
