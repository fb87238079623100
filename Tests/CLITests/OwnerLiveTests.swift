import Foundation
import Store
import TestSupport
import Testing
import Wire

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The owner's daily commands with the real binary: catalogue, availability, booking, and the offline conflict.
@Suite(.serialized) struct OwnerLiveTests {
    let directory = TemporaryDirectory()
    var relayData: String { directory.file("relay") }
    func node(_ name: String) -> String { directory.file(name) }

    func run(_ arguments: [String]) throws -> CLI.Result { try CLI.run(arguments) }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try run(arguments + ["--json"])
        return try #require(CLI.json(result.stdout), "\(arguments): \(result.stderr)")
    }

    /// A relay, an admin node, and an enrolled owner node with one priced farm. Returns the property id.
    func network() throws -> (RelayProcess, String) {
        _ = try run(["relay", "init", "--data", relayData])
        let relay = try RelayProcess(data: relayData)
        _ = try run(["node", "init", "--data", node("admin"), "--relay", relay.base, "--key", relayData + "/admin.key"])
        let ownerKey = try #require(
            try json(["node", "init", "--data", node("owner"), "--relay", relay.base])["public_key"] as? String)
        let ownerID = try #require(
            try json(["node", "owner", "add", "--data", node("admin"), "--name", "Ahmed", "--phone", "03001234567"])[
                "owner_id"] as? String)
        _ = try json([
            "node", "key", "grant", "--data", node("admin"), "--public-key", ownerKey, "--role", "owner", "--owner",
            ownerID,
        ])
        _ = try json(["node", "sync", "--data", node("admin")])
        _ = try json(["node", "sync", "--data", node("owner")])
        // The owner node adds its own property: --owner defaults to the node's owner.
        let property = try #require(
            try json([
                "node", "property", "add", "--data", node("owner"), "--name", "Sahil Farm", "--type", "farm", "--city",
                "Karachi",
                "--address", "Hawksbay Road", "--max-guests", "40", "--advance-percent", "25",
            ])["property_id"] as? String)
        _ = try json([
            "node", "price", "set", "--data", node("owner"), "--property", property, "--shift", "Day", "--amount",
            "28000",
        ])
        _ = try json([
            "node", "price", "set", "--data", node("owner"), "--property", property, "--shift", "full-day", "--amount",
            "45000",
        ])
        _ = try json(["node", "sync", "--data", node("owner")])
        _ = try json(["node", "sync", "--data", node("admin")])
        return (relay, property)
    }

    static let date = CalendarDate.today(plusDays: 10)

    func slot(_ data: String, _ property: String, _ shift: String) throws -> [String: Any] {
        let answer = try json([
            "node", "availability", "--data", data, "--property", property, "--date", Self.date.description,
        ])
        let day = try #require((answer["days"] as? [[String: Any]])?.first)
        return try #require((day["shifts"] as? [String: Any])?[shift] as? [String: Any])
    }

    @Test func bookingAvailabilityAndTheirErrors() throws {
        let (relay, property) = try network()
        let date = Self.date.description
        #expect(try slot(node("owner"), property, "Day")["state"] as? String == "free")
        #expect(try slot(node("owner"), property, "Day")["price"] as? Int == 28000)
        #expect(try slot(node("owner"), property, "Night")["state"] as? String == "no_price")

        let booked = try json([
            "node", "book", "--data", node("owner"), "--property", property, "--date", date, "--shift", "Day",
            "--name", "Bilal Khan", "--phone", "+92 333 1234567", "--cnic", "42101-1234567-1",
        ])
        #expect(booked["status"] as? String == "Pending")
        #expect(booked["amount"] as? Int == 28000)
        #expect(booked["advance"] as? Int == 7000)
        #expect(booked["provisional"] as? Bool == true)
        let code = try #require(booked["code"] as? String)
        let held = try slot(node("owner"), property, "Full Day")
        #expect(held["state"] as? String == "held")
        #expect(held["bookings"] as? [String] == [code])
        #expect(held["provisional"] as? Bool == true)

        // Every refusal: exit 1, one line, nothing on stdout, nothing written.
        let pendingBefore = try json(["node", "status", "--data", node("owner")])["pending"] as? Int
        let refusals: [([String], String)] = [
            (["--date", date, "--shift", "full-day"], "held by \(code)"),
            (["--date", "2020-01-01", "--shift", "Day"], "already ended"),
            (["--date", date, "--shift", "Evening"], "--shift"),
            (["--date", "05/12/2026", "--shift", "Day"], "--date"),
            (["--date", date, "--shift", "Night"], "no price"),
            (["--date", date, "--shift", "Night", "--guests", "41", "--amount", "1000"], "maximum of 40"),
            (["--date", date, "--shift", "Night", "--phone", "12", "--amount", "1000"], "--phone"),
            (["--date", date, "--shift", "Night", "--cnic", "123", "--amount", "1000"], "--cnic"),
        ]
        for (extra, message) in refusals {
            var arguments = ["node", "book", "--data", node("owner"), "--property", property, "--name", "X", "--json"]
            if !extra.contains("--phone") { arguments += ["--phone", "03001112223"] }
            let result = try run(arguments + extra)
            #expect(result.status == 1, "\(extra)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains(message), "\(extra): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        let unknown = try run([
            "node", "book", "--data", node("owner"), "--property", TestID.uuid(9), "--date", date, "--shift", "Day",
            "--name", "X", "--phone", "03001112223",
        ])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown property"))
        #expect(try json(["node", "status", "--data", node("owner")])["pending"] as? Int == pendingBefore)

        // A negotiated amount books a shift without a price.
        let negotiated = try json([
            "node", "book", "--data", node("owner"), "--property", property, "--date", date, "--shift", "Night",
            "--name", "Walk-in", "--phone", "03001112223", "--paid", "--amount", "20000",
        ])
        #expect(negotiated["status"] as? String == "Confirmed")
        #expect(negotiated["advance"] as? Int == 5000)

        // Blocks, then sync: nothing is provisional any more, and the owner reads its customer in full.
        let block = try #require(
            try json([
                "node", "block", "--data", node("owner"), "--property", property, "--date",
                Self.date.adding(days: 1).description, "--shift", "Day",
            ])["block_id"] as? String)
        _ = try json(["node", "sync", "--data", node("owner")])
        let shown = try json([
            "node", "booking", "show", code.lowercased().replacingOccurrences(of: "-", with: " "), "--data",
            node("owner"),
        ])
        #expect(shown["provisional"] as? Bool == false)
        #expect(shown["seq"] as? Int != nil)
        #expect((shown["customer"] as? [String: Any])?["cnic"] as? String == "42101-1234567-1")
        #expect((shown["customer"] as? [String: Any])?["phone"] as? String == "923331234567")
        _ = try json(["node", "sync", "--data", node("admin")])
        let adminView = try json(["node", "booking", "show", code, "--data", node("admin")])
        #expect((adminView["customer"] as? [String: Any])?["cnic"] as? String == "42101-*******-1")
        let list =
            try json(["node", "bookings", "--data", node("admin"), "--property", property])["bookings"]
            as? [[String: Any]]
        #expect(list?.map { $0["shift"] as? String } == ["Day", "Night"])
        #expect(
            try json(["node", "bookings", "--data", node("admin"), "--status", "confirmed"])["bookings"].map {
                ($0 as? [Any])?.count
            } == 1)
        // The lifecycle by code: a typed proof, a rejection, a confirmation, a cancellation.
        let paid = try json([
            "node", "payment", code, "--data", node("owner"), "--transaction-id", "TX-778899", "--amount", "7000",
        ])
        #expect(paid["status"] as? String == "Waiting")
        let payment = try #require(paid["payment"] as? [String: Any])
        #expect(payment["transaction_id"] as? String == "TX-778899")
        #expect(payment["method"] as? String == "easypaisa")
        #expect(payment["warnings"] as? [String] == ["payee_unknown"])
        #expect(
            try json(["node", "reject", code, "--data", node("owner"), "--reason", "not received"])["status"] as? String
                == "Pending")
        #expect(try json(["node", "confirm", code, "--data", node("owner")])["status"] as? String == "Confirmed")
        let confirmedAgain = try run(["node", "confirm", code, "--data", node("owner"), "--json"])
        #expect(confirmedAgain.status == 1)
        #expect(confirmedAgain.stderr.contains("booking.not_confirmable"))
        #expect(try run(["node", "cancel", code, "--data", node("owner"), "--reason", " "]).status == 1)
        #expect(try run(["node", "confirm", "HB-00000000", "--data", node("owner")]).status == 1)
        let cancelled = try json([
            "node", "cancel", negotiated["code"] as! String, "--data", node("owner"), "--reason", "left early",
        ])
        #expect(cancelled["status"] as? String == "Cancelled")
        _ = try json(["node", "sync", "--data", node("owner")])
        _ = try json(["node", "sync", "--data", node("admin")])
        #expect(
            try json(["node", "booking", "show", code, "--data", node("admin")])["status"] as? String == "Confirmed")
        // Another owner's node would see the transaction id only as (private); the admin can open it.
        #expect(
            (try json(["node", "booking", "show", code, "--data", node("admin")])["payment"] as? [String: Any])?[
                "transaction_id"] as? String == "TX-778899")
        // The iCalendar feed: every booking (the cancelled one marked, not dropped) and the block, in UTC.
        let feed = try run(["node", "calendar", "--data", node("owner"), "--property", property])
        #expect(feed.status == 0)
        #expect(feed.stdout.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        #expect(feed.stdout.contains("UID:\(booked["id"] as! String)@hutsync"))
        let dayStart = Self.date.description.filter { $0 != "-" } + "T030000Z"  // 08:00 in Karachi
        #expect(feed.stdout.contains("DTSTART:\(dayStart)"))
        #expect(feed.stdout.contains("STATUS:CANCELLED"))
        #expect(feed.stdout.contains("SUMMARY:Blocked"))
        #expect(feed.stdout.components(separatedBy: "BEGIN:VEVENT").count == 4)
        _ = try json(["node", "unblock", "--data", node("owner"), "--block", block])
        #expect(
            try json(["node", "properties", "--data", node("admin")])["properties"].map { ($0 as? [Any])?.count } == 1)
        relay.stop(SIGTERM)
    }

    @Test func overlappingOfflineBookingsConflictWhereTheRelayOrdersThem() throws {
        let (relay, property) = try network()
        let date = Self.date.description
        relay.stop(SIGTERM)
        // The relay is down: both nodes take a booking that overlaps the other's.
        let first = try json([
            "node", "book", "--data", node("owner"), "--property", property, "--date", date, "--shift", "Day",
            "--name", "Phone customer", "--phone", "03001112223",
        ])
        let second = try json([
            "node", "book", "--data", node("admin"), "--property", property, "--date", date, "--shift", "Full Day",
            "--name", "Walk-in", "--phone", "03004445556", "--paid",
        ])
        #expect(try run(["node", "sync", "--data", node("owner")]).status == 2)
        #expect(try json(["node", "status", "--data", node("owner")])["pending"] as? Int == 1)
        // Back up: the owner's node reaches the relay first.
        let restarted = try RelayProcess(data: relayData, port: relay.port)
        _ = try json(["node", "sync", "--data", node("owner")])
        _ = try json(["node", "sync", "--data", node("admin")])
        _ = try json(["node", "sync", "--data", node("owner")])
        for data in [node("owner"), node("admin")] {
            let bookings = try #require(
                try json(["node", "bookings", "--data", data, "--property", property])["bookings"] as? [[String: Any]])
            let byCode = Dictionary(uniqueKeysWithValues: bookings.map { ($0["code"] as! String, $0) })
            #expect(byCode[first["code"] as! String]?["status"] as? String == "Pending")
            #expect(byCode[second["code"] as! String]?["status"] as? String == "Conflicted")
            #expect(byCode[second["code"] as! String]?["conflict_with"] as? [String] == [first["code"] as! String])
        }
        let digests = try [node("owner"), node("admin")].map {
            try json(["node", "status", "--data", $0])["digest"] as? String
        }
        #expect(digests[0] == digests[1])
        #expect(try json(["node", "status", "--data", node("admin")])["conflicts"] as? Int == 1)
        // Both the loser's author (admin) and the property's owner are told, with alternatives: the same shift on the
        // nearest free dates (the date's other priced shifts are taken).
        for data in [node("admin"), node("owner")] {
            let listed = try #require(try json(["node", "conflicts", "--data", data])["conflicts"] as? [[String: Any]])
            #expect(listed.map { $0["code"] as? String } == [second["code"] as? String])
            #expect(listed.first?["winner"] as? String == first["code"] as? String)
            let alternatives = try #require(listed.first?["alternatives"] as? [[String: Any]])
            #expect(alternatives.count == 6)
            #expect(
                alternatives.map { $0["date"] as? String }
                    == [-1, 1, -2, 2, -3, 3].map { Self.date.adding(days: $0).description })
            #expect(alternatives.allSatisfy { $0["shift"] as? String == "Full Day" && $0["price"] as? Int == 45000 })
        }
        _ = try json(["node", "conflicts", "dismiss", second["code"] as! String, "--data", node("owner")])
        #expect((try json(["node", "conflicts", "--data", node("owner")])["conflicts"] as? [Any])?.isEmpty == true)
        #expect((try json(["node", "conflicts", "--data", node("admin")])["conflicts"] as? [Any])?.count == 1)
        // The paid walk-in at the gate: cancel the unpaid winner, then reinstate.
        let loser = second["code"] as! String
        let tooEarly = try run(["node", "reinstate", loser, "--data", node("admin"), "--paid"])
        #expect(tooEarly.status == 1)
        #expect(tooEarly.stderr.contains("slot.taken"))
        _ = try json([
            "node", "cancel", first["code"] as! String, "--data", node("admin"), "--reason", "lost to the walk-in",
        ])
        #expect(
            try json(["node", "reinstate", loser, "--data", node("admin"), "--paid"])["status"] as? String
                == "Confirmed")
        _ = try json(["node", "sync", "--data", node("admin")])
        _ = try json(["node", "sync", "--data", node("owner")])
        #expect(
            try json(["node", "booking", "show", loser, "--data", node("owner")])["status"] as? String == "Confirmed")
        #expect(
            try json(["node", "status", "--data", node("owner")])["digest"] as? String
                == (try json(["node", "status", "--data", node("admin")])["digest"] as? String))
        restarted.stop(SIGTERM)
    }
}

extension CalendarDate {
    /// Today (UTC) plus some days, for dates that must be in the future whenever the tests run.
    static func today(plusDays days: Int) -> CalendarDate {
        CalendarDate(dayNumber: UTCTime.now().seconds / 86_400 + days)
    }
}

extension OwnerLiveTests {
    /// A node with a large outbox (300) pushes while the relay is SIGKILLed: after restarts, every change set is in the log
    /// exactly once, the outbox is empty and node and relay agree.
    @Test func theRelayKilledDuringALargePushFromANodeLosesNothing() async throws {
        _ = try run(["relay", "init", "--data", relayData])
        var relay = try RelayProcess(data: relayData)
        let admin = node("admin")
        _ = try run(["node", "init", "--data", admin, "--relay", relay.base, "--key", relayData + "/admin.key"])
        // 300 local writes through the node's own write path (each re-applies the pending ones: a larger outbox is a
        // performance question for the benchmarks, not this test).
        let store = try ReplicaStore(path: admin + "/node.sqlite")
        let key = try KeyFile.read(path: admin + "/node.key")
        for number in 1...300 {
            _ = try store.write([Catalogue.owner(TestID.uuid(number, kind: 0xA))], key: key, now: UTCTime.now())
        }
        try store.close()
        let sync = try Launch.spawn(["node", "sync", "--data", admin])
        // Kill the relay once it has started sequencing the push (its head has moved), not after a guessed delay.
        var head = 1
        for _ in 0..<400 where head <= 1 {
            try await Task.sleep(for: .milliseconds(10))
            let (data, _) = try await URLSession.shared.data(from: URL(string: relay.base + "/healthz")!)
            head = ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["head"] as? Int ?? head
        }
        relay.stop(SIGKILL)
        #expect(head > 1, "the push never started")
        sync.waitUntilExit()
        relay = try RelayProcess(data: relayData, port: relay.port)
        var last = try run(["node", "sync", "--data", admin, "--json"])
        for _ in 0..<3 where last.status != 0 { last = try run(["node", "sync", "--data", admin, "--json"]) }
        #expect(last.status == 0, "\(last.stderr)")
        let status = try json(["node", "status", "--data", admin])
        #expect(status["pending"] as? Int == 0)
        #expect(status["applied_seq"] as? Int == 301)
        let log = try await relay.log(key: key)
        #expect(Set(log.map(\.id)).count == log.count)
        #expect(log.filter { $0.author == key.publicKey.hex }.map(\.counter) == Array(1...300))
        relay.stop(SIGTERM)
    }

    @Test func everyCommandRefusesBadInputWithOneLineAndChangesNothing() throws {
        let (relay, property) = try network()
        let owner = node("owner")
        let before = try json(["node", "status", "--data", owner])
        let cases: [[String]] = [
            [
                "property", "add", "--name", "X", "--type", "castle", "--city", "K", "--address", "A", "--max-guests",
                "5", "--advance-percent", "25",
            ],
            [
                "property", "add", "--name", "X", "--type", "hut", "--city", "K", "--address", "A", "--max-guests", "0",
                "--advance-percent", "25",
            ],
            [
                "property", "add", "--name", "X", "--type", "hut", "--city", "K", "--address", "A", "--max-guests", "5",
                "--advance-percent", "101",
            ],
            ["price", "set", "--property", property, "--shift", "Dawn", "--amount", "100"],
            ["price", "set", "--property", property, "--shift", "Day", "--amount=-1"],
            ["price", "set", "--property", property, "--shift", "Day", "--amount", "100", "--weekday", "funday"],
            ["price", "set", "--property", "not-an-id", "--shift", "Day", "--amount", "100"],
            ["price", "set", "--property", TestID.uuid(99), "--shift", "Day", "--amount", "100"],
            ["price", "override", "--property", property, "--date", "2026-02-30", "--shift", "Day", "--amount", "100"],
            ["block", "--property", property, "--date", "tomorrow", "--shift", "Day"],
            ["unblock", "--block", TestID.uuid(5, kind: 0xC)],
            ["availability", "--property", property, "--date", Self.date.description, "--days", "0"],
            ["availability", "--property", TestID.uuid(99), "--date", Self.date.description],
            ["bookings", "--status", "Lost"],
            ["booking", "show", "HB-0000000U"],
            ["confirm", "HB-00000000"],
            ["reject", "HB-00000000", "--reason", "x"],
            ["cancel", "HB-00000000", "--reason", "x"],
            ["payment", "HB-00000000", "--transaction-id", "T", "--amount", "5", "--method", "cash"],
            ["conflicts", "dismiss", "HB-00000000"],
            ["calendar", "--property", TestID.uuid(99)],
            ["key", "grant", "--public-key", "abc", "--role", "owner"],
            ["owner", "add", "--name", "X", "--phone", "12"],
        ]
        for arguments in cases {
            let result = try run(["node"] + arguments + ["--data", owner, "--json"])
            #expect([1, 4].contains(result.status), "\(arguments): \(result.status)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            #expect(
                result.stderr.hasPrefix("hutsync: ") && result.stderr.split(separator: "\n").count == 1,
                "\(arguments): \(result.stderr)")
        }
        let after = try json(["node", "status", "--data", owner])
        #expect(after["pending"] as? Int == before["pending"] as? Int)
        #expect(after["digest"] as? String == before["digest"] as? String)
        relay.stop(SIGTERM)
    }
}
