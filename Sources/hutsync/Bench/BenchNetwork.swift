import Foundation
import Relay
import Store
import SyncNode
import Wire

/// Sample data for the benchmarks: owners, properties with weekly prices, and non-overlapping bookings.
enum BenchData {
    /// The first date bookings go on (in the future, so a node's edge checks accept them).
    static var firstDate: CalendarDate {
        let today = CalendarDate(dayNumber: (UTCTime.now().seconds + Shift.karachiOffsetMinutes * 60) / 86_400)
        return today.adding(days: 30)
    }

    static func property(_ id: String, owner: String) -> [Wire.Operation] {
        let prices = Weekday.allCases.flatMap { day in
            zip(Shift.allCases, [8000, 10000, 15000, 16000]).map {
                WeeklyPrice(
                    weekday: day.rawValue, shift: $0.name, amount: $1 + ([.sat, .sun].contains(day) ? 4000 : 0))
            }
        }
        return [
            .propertyPut(
                PropertyPut(
                    propertyID: id, ownerID: owner, name: "Hut \(id.prefix(8))", type: "hut", city: "Karachi",
                    province: "Sindh", country: "Pakistan", address: "French Beach", maxGuests: 20,
                    contactPhone: "923001234567", advancePercent: 25, holdMinutes: 30)),
            .propertyPrices(PropertyPrices(propertyID: id, prices: prices)),
        ]
    }

    /// The `index`-th booking on a property: Day and Night shifts on consecutive dates, never overlapping.
    static func booking(property: String, index: Int) -> Wire.Operation {
        .bookingCreate(
            BookingCreate(
                bookingID: UUIDText.timeOrdered(), propertyID: property,
                date: firstDate.adding(days: index / 2).description, shift: index % 2 == 0 ? "Day" : "Night",
                status: "Pending", source: "phone", amount: 10000, advance: 2500, phoneMask: "567", contact: []))
    }

    static func ownerPut(_ id: String) -> Wire.Operation {
        .ownerPut(OwnerPut(ownerID: id, name: "Owner \(id.prefix(4))", phone: "923001234567"))
    }
}

/// A relay process with a catalogue (owners, properties, keys), an admin node, four pre-enrolled pusher keys with
/// their change sets signed in advance, and an offline owner node holding local changes (P5).
final class RelayRig: @unchecked Sendable {
    // Built once, then read by the measures one at a time.
    let relay: Process
    let url: URL
    let pushers: [(key: SigningKey, keyFile: String, changeSets: [SignedChangeSet])]
    let offlineNode: NodeFolder
    var base = 0

    private init(
        relay: Process, url: URL, pushers: [(SigningKey, String, [SignedChangeSet])], offlineNode: NodeFolder
    ) {
        self.relay = relay
        self.url = url
        self.pushers = pushers.map { (key: $0.0, keyFile: $0.1, changeSets: $0.2) }
        self.offlineNode = offlineNode
    }

    func stop() {
        if relay.isRunning {
            relay.terminate()
            relay.waitUntilExit()
        }
    }

    static func make(_ bench: Bench) async throws -> RelayRig {
        let scale = bench.scale
        bench.step("relay: creating the network")
        let relayFolder = RelayFolder(path: bench.path("relay"))
        _ = try relayFolder.initialize(payee: nil, now: UTCTime.now())
        let (relay, url) = try startRelay(relayFolder.path)
        let transport = { (key: SigningKey) -> any RelayTransport in HTTPRelayTransport(base: url, key: key) }
        let admin = NodeFolder(path: bench.path("admin"))
        _ = try await admin.initialize(
            relay: url, genesisHash: nil, importing: relayFolder.adminKeyPath, insecure: false, transport: transport)
        let adminNode = try admin.keptOpen()

        // Five owners: four pushers and the offline node's, each with its share of the properties.
        var owners: [(id: String, key: SigningKey, keyFile: String, properties: [String])] = []
        for index in 0..<5 {
            let key = SigningKey.generate()
            let keyFile = bench.path("owner\(index).key")
            try KeyFile.create(key, path: keyFile)
            let id = UUIDText.timeOrdered()
            _ = try adminNode.write([
                BenchData.ownerPut(id),
                .keyGrant(KeyGrant(publicKey: key.publicKey.hex, role: "owner", ownerID: id, label: "bench")),
            ])
            owners.append((id, key, keyFile, []))
        }
        let perOwner = max(scale.properties / 4, 1)
        for index in 0..<(perOwner * 4 + 10) {
            let owner = index < perOwner * 4 ? index / perOwner : 4
            let id = UUIDText.timeOrdered()
            _ = try adminNode.write(BenchData.property(id, owner: owners[owner].id))
            owners[owner].properties.append(id)
            if index % 100 == 0 { bench.step("relay: catalogue \(index) of \(perOwner * 4 + 10) properties") }
        }
        _ = try await adminNode.syncOnce()

        // The offline node: enrolled and at the head, then local bookings while the relay advances.
        bench.step("relay: the offline node writes \(scale.offlineChanges) local bookings")
        let offline = NodeFolder(path: bench.path("offline"))
        _ = try await offline.initialize(
            relay: url, genesisHash: nil, importing: owners[4].keyFile, insecure: false, transport: transport)
        let offlineNode = try offline.keptOpen()
        for index in 0..<scale.offlineChanges {
            let count = owners[4].properties.count
            let (property, nth) = (owners[4].properties[index % count], index / count)
            _ = try offlineNode.book(
                BookingRequest(
                    propertyID: property, date: BenchData.firstDate.adding(days: nth / 2),
                    shift: nth % 2 == 0 ? .day : .night, name: "Guest \(index)", phone: "03001234567",
                    cnic: nil, guests: 4, paid: false, amount: nil, source: nil))
        }

        // The pushers' change sets, signed in advance on the head the catalogue reached.
        let head = try await transport(owners[0].key).pull(after: Int(Int32.max) - 1, limit: 1, wait: 0).head
        var pushers: [(SigningKey, String, [SignedChangeSet])] = []
        let each = scale.ingestChangeSets / 4
        for owner in owners.prefix(4) {
            bench.step("relay: signing \(each) change sets for pusher \(pushers.count + 1) of 4")
            var signed: [SignedChangeSet] = []
            signed.reserveCapacity(each)
            for index in 0..<each {
                let property = owner.properties[index % owner.properties.count]
                let changeSet = ChangeSet(
                    author: owner.key.publicKey, counter: index + 1, baseSeq: head.seq, baseHash: head.hash,
                    time: UTCTime.now(),
                    ops: [BenchData.booking(property: property, index: index / owner.properties.count)])
                signed.append(try SignedChangeSet(signing: changeSet, with: owner.key))
            }
            pushers.append((owner.key, owner.keyFile, signed))
        }
        let rig = RelayRig(relay: relay, url: url, pushers: pushers, offlineNode: offlineNode)
        rig.base = head.seq
        return rig
    }

    /// `hutsync relay serve` on a free loopback port; waits for its "listening on" line.
    private static func startRelay(_ folder: String) throws -> (Process, URL) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SelfProcess.executable)
        process.arguments = ["relay", "serve", "--data", folder, "--listen", "127.0.0.1:0"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = ""
        while !seen.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        guard let text = seen.split(separator: " ").last,
            let url = URL(string: text.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            process.terminate()
            throw BenchError("the relay did not start")
        }
        return (process, url)
    }
}
