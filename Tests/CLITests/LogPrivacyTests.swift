import Foundation
import TestSupport
import Testing
import Wire

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The log privacy scan: a booking flow carrying a customer's phone number, CNIC and name runs through the real
/// binary — `relay serve` and `node serve` at debug level with the relay's secrets in their environment, and the node
/// commands an owner and an admin use — and nothing any process prints (stdout, stderr, the HTTP answers of the
/// relay's public endpoints and the node's local API) or writes beside its database shows the phone in any common
/// form, the CNIC with or without dashes, the name, a configured secret or a key's seed. The one place customer
/// details are meant to be shown — the `customer` object of a booking, to a node that can open it — is left out of
/// the scan, and checked to hold them (so the scan is not looking at a flow that never carried them).
@Suite(.serialized) struct LogPrivacyTests {
    let directory = TemporaryDirectory()
    let transcript = Transcript()

    static let phone = "+92 300 7281946"
    static let cnic = "35202-4817263-9"
    static let name = "Zainab Qureshi"
    /// Every form of the customer's details the scan looks for.
    static let personal = [
        "3007281946",  // inside +923007281946, 923007281946 and 03007281946
        "300 7281946", "300-7281946", "3520248172639", "35202-4817263-9", "35202 4817263 9", name,
    ]

    /// Secret values, fresh for each run.
    static let secrets = (0..<6).map { _ in Hex.encode(Sodium.randomBytes(16)) }
    static let adminNumbers = ["923001112233", "923458192736"]

    /// The relay's configuration of `interfaces.md` — its secrets, and the admin numbers (personal too) — given to
    /// every process.
    let environment = [
        "HUTSYNC_WHATSAPP_VERIFY_TOKEN": "verify-" + LogPrivacyTests.secrets[0],
        "HUTSYNC_WHATSAPP_APP_SECRET": LogPrivacyTests.secrets[1],
        "HUTSYNC_WHATSAPP_ACCESS_TOKEN": "EAAG" + LogPrivacyTests.secrets[2],
        "HUTSYNC_WHATSAPP_PHONE_NUMBER_ID": "109876543210987",
        "HUTSYNC_WHATSAPP_API_BASE": "http://127.0.0.1:9/v23.0",
        "HUTSYNC_ADMIN_WHATSAPP": LogPrivacyTests.adminNumbers.joined(separator: ","),
        "HUTSYNC_GEMINI_API_KEY": "AIza" + LogPrivacyTests.secrets[3], "HUTSYNC_GEMINI_API_BASE": "http://127.0.0.1:9",
        "HUTSYNC_LLM_API_KEY": "sk-" + LogPrivacyTests.secrets[4], "HUTSYNC_LLM_BASE_URL": "http://127.0.0.1:9/v1",
        "HUTSYNC_CLOUDINARY_URL": "cloudinary://418273645:\(LogPrivacyTests.secrets[5])@hutsync",
        "HUTSYNC_PUBLIC_URL": "https://relay.example.pk",
    ]

    /// Runs a command at debug level and records what it printed.
    @discardableResult
    func run(_ arguments: [String]) throws -> CLI.Result {
        let result = try CLI.run(arguments + ["--verbose"], environment: environment)
        transcript.record(arguments.prefix(3).joined(separator: " "), result.stdout, result.stderr)
        return result
    }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try run(arguments + ["--json"])
        return try #require(CLI.json(result.stdout), "\(arguments): \(result.stderr)")
    }

    @Test func noPhoneCNICNameSecretOrSeedReachesAnyOutput() async throws {
        let relayData = directory.file("relay")
        let (admin, owner) = (directory.file("admin"), directory.file("owner"))
        _ = try json(["relay", "init", "--data", relayData])
        let relay = try CapturedProcess(
            ["relay", "serve", "--data", relayData, "--listen", "127.0.0.1:0", "--verbose"], environment: environment,
            output: directory.file("relay-serve"))
        let base = try await relay.listening()
        _ = try json(["node", "init", "--data", admin, "--relay", base, "--key", relayData + "/admin.key"])
        let ownerKey = try #require(
            try json(["node", "init", "--data", owner, "--relay", base])["public_key"] as? String)
        #expect(try run(["node", "sync", "--data", owner]).status == 4)  // not enrolled yet: refused by the relay
        let ownerID = try #require(
            try json(["node", "owner", "add", "--data", admin, "--name", "Ahmed Ali", "--phone", "0321 7654321"])[
                "owner_id"] as? String)
        _ = try json([
            "node", "key", "grant", "--data", admin, "--public-key", ownerKey, "--role", "owner", "--owner", ownerID,
        ])
        _ = try json(["node", "sync", "--data", admin])
        _ = try json(["node", "sync", "--data", owner])
        let property = try #require(
            try json([
                "node", "property", "add", "--data", owner, "--name", "Sahil Farm", "--type", "farm", "--city",
                "Karachi", "--address", "Hawksbay Road", "--max-guests", "40", "--advance-percent", "25",
            ])["property_id"] as? String)
        _ = try json([
            "node", "price", "set", "--data", owner, "--property", property, "--shift", "Day", "--amount", "28000",
        ])
        _ = try json(["node", "sync", "--data", owner])
        _ = try json(["node", "sync", "--data", admin])

        // The owner's node serves (and syncs in the background) while the owner books from the command line.
        let serve = try CapturedProcess(
            ["node", "serve", "--data", owner, "--listen", "127.0.0.1:0", "--verbose"], environment: environment,
            output: directory.file("node-serve"))
        let local = try await serve.listening()
        let date = CalendarDate.today(plusDays: 10).description
        let slot = { (data: String) in
            ["--data", data, "--property", property, "--date", date, "--shift", "Day", "--name", Self.name]
        }
        let code = try #require(
            try json(["node", "book"] + slot(owner) + ["--phone", Self.phone, "--cnic", Self.cnic])["code"] as? String)
        #expect(try await serve.waitForStandardError(containing: "synced"), "node serve logged no sync at debug")
        // The same customer again on the taken slot, the phone and CNIC in other forms: refused, naming the holder.
        let taken = try run(["node", "book"] + slot(owner) + ["--phone", "0300-7281946", "--cnic", "3520248172639"])
        #expect(taken.status == 1)
        #expect(taken.stderr.contains(code))
        // The admin, not synced since, books the same slot for the same customer: it loses in the relay's order.
        let lost = try #require(
            try json(["node", "book"] + slot(admin) + ["--phone", "03007281946"])["code"]
                as? String)
        #expect(try json(["node", "sync", "--data", admin])["conflicts"] as? Int == 1)
        let conflicts = try json(["node", "conflicts", "--data", admin])["conflicts"] as? [[String: Any]]
        #expect(conflicts?.first?["code"] as? String == lost)
        _ = try json(["node", "payment", code, "--data", owner, "--transaction-id", "EP-99812", "--amount", "7000"])
        _ = try json(["node", "confirm", code, "--data", owner])
        _ = try json(["node", "sync", "--data", owner])
        _ = try json(["node", "sync", "--data", admin])
        for data in [owner, admin] {
            _ = try json(["node", "booking", "show", code, "--data", data])
            for command in ["status", "verify", "outbox", "conflicts"] {
                _ = try json(["node", command, "--data", data])
            }
        }
        _ = try json(["node", "calendar", "--data", owner, "--property", property])
        try checkTheDetailsWentThrough(owner: owner, admin: admin, code: code)

        for path in ["/status", "/bookings", "/conflicts", "/properties"] { try await fetch(local + path) }
        for path in ["/healthz", "/metrics", "/v1/head", "/v1/genesis", "/v1/nothing"] { try await fetch(base + path) }
        let served = serve.stop()
        transcript.record("node serve", served.stdout, served.stderr)
        let relayed = relay.stop()
        transcript.record("relay serve", relayed.stdout, relayed.stderr)
        // Debug logging was on and captured: the unenrolled node's refused pull is logged.
        #expect(relayed.stderr.contains("request refused"))

        // Key files: mode 0600, the new key and the imported one alike.
        for path in [owner + "/node.key", admin + "/node.key", relayData + "/relay.key"] {
            #expect(
                (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600, "\(path)")
        }
        let seeds = try [relayData + "/relay.key", relayData + "/admin.key", owner + "/node.key"].map {
            Hex.encode(try KeyFile.read(path: $0).seed)
        }
        let forbidden = Self.personal + Self.secrets + Self.adminNumbers + seeds
        for (label, text) in transcript.texts {
            let found = forbidden.filter { text.contains($0) }
            #expect(found.isEmpty, "\(label) shows \(found)")
        }
        try scanFiles(in: [relayData, admin, owner], for: forbidden)
    }

    /// The owner's node (and the admin's) open the customer's details where a booking shows them — so the scan
    /// above looks at a flow that carried them, and its matcher finds them where they are.
    func checkTheDetailsWentThrough(owner: String, admin: String, code: String) throws {
        for data in [owner, admin] {
            let result = try run(["node", "bookings", "--data", data, "--json"])
            let bookings = CLI.json(result.stdout)?["bookings"] as? [[String: Any]]
            let customer = try #require(
                bookings?.first { $0["code"] as? String == code }?["customer"] as? [String: Any], "\(data)")
            #expect(customer["phone"] as? String == "923007281946", "\(data)")
            #expect(customer["name"] as? String == Self.name, "\(data)")
            #expect(Self.personal.contains { result.stdout.contains($0) }, "the scan would not see the phone")
            if data == owner { #expect(customer["cnic"] as? String == Self.cnic) }
        }
    }

    /// An HTTP answer of the relay or the node's local API, recorded for the scan.
    func fetch(_ url: String) async throws {
        let (data, _) = try await URLSession.shared.data(from: URL(string: url)!)
        transcript.record("GET \(url)", String(decoding: data, as: UTF8.self), "")
    }

    /// Files the processes wrote beside their stores (none today; any log file added later is scanned), and the
    /// relay's database, which holds customers' details only sealed.
    func scanFiles(in folders: [String], for forbidden: [String]) throws {
        for folder in folders {
            for name in try FileManager.default.subpathsOfDirectory(atPath: folder) {
                let isStore = name.contains(".sqlite")
                guard !name.hasSuffix(".key"), !isStore || folder.hasSuffix("/relay") else { continue }
                let path = folder + "/" + name
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                for value in forbidden where data.range(of: Data(value.utf8)) != nil {
                    Issue.record("\(path) holds \(value)")
                }
            }
        }
    }
}

/// What every process of the scan printed, labelled. Appended from the test's task only.
final class Transcript: @unchecked Sendable {
    private(set) var texts: [(label: String, text: String)] = []

    /// Records stdout (a JSON answer without its `customer` objects, the one place details are meant to be shown)
    /// and stderr.
    func record(_ label: String, _ stdout: String, _ stderr: String) {
        texts.append((label + " (stdout)", Self.withoutCustomers(stdout)))
        texts.append((label + " (stderr)", stderr))
    }

    static func withoutCustomers(_ text: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
            let data = try? JSONSerialization.data(withJSONObject: strip(object))
        else { return text }
        return String(decoding: data, as: UTF8.self)
    }

    private static func strip(_ value: Any) -> Any {
        if let object = value as? [String: Any] { return object.filter { $0.key != "customer" }.mapValues(strip) }
        if let array = value as? [Any] { return array.map(strip) }
        return value
    }
}

/// A long-running `hutsync` process (`relay serve`, `node serve`) whose stdout and stderr go to files.
final class CapturedProcess: @unchecked Sendable {  // The process handle is only touched from the test's task.
    let process = Process()
    let stdoutPath: String
    let stderrPath: String

    init(_ arguments: [String], environment: [String: String], output: String) throws {
        (stdoutPath, stderrPath) = (output + ".stdout", output + ".stderr")
        for path in [stdoutPath, stderrPath] { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    private func read(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    /// The URL of the "listening on URL" line, once printed (within a minute).
    func listening() async throws -> String {
        for _ in 0..<600 {
            if let line = read(stdoutPath).split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                return String(line.dropFirst("listening on ".count))
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "did not start: \(read(stderrPath))"])
    }

    /// Whether stderr shows `text` within 30 seconds.
    func waitForStandardError(containing text: String) async throws -> Bool {
        for _ in 0..<300 {
            if read(stderrPath).contains(text) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// SIGTERM, then everything it printed.
    func stop() -> (stdout: String, stderr: String) {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        return (read(stdoutPath), read(stderrPath))
    }
}
