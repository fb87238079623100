import Foundation
import TestSupport
import Wire

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A `hutsync relay serve` process on a free loopback port, and a small signed HTTP client for it.
final class RelayProcess: @unchecked Sendable {  // The process handle is only touched from the test's task.
    let process = Process()
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts a relay on `port` (0: a free one).
    init(data: String, port: Int = 0) throws {
        let seen = try Launch.start(
            process, arguments: ["relay", "serve", "--data", data, "--listen", "127.0.0.1:\(port)"], until: "\n")
        guard let line = seen.split(separator: "\n").first, line.hasPrefix("listening on "),
            let port = Int(line.split(separator: ":").last ?? "")
        else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "relay did not start: \(seen)"])
        }
        self.port = port
    }

    func stop(_ signal: Int32) {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    deinit { if process.isRunning { stop(SIGKILL) } }

    /// A signed request; returns the status and the JSON body.
    func request(_ method: String, _ path: String, query: String = "", body: [UInt8] = [], key: SigningKey) async throws
        -> (Int, [String: Any])
    {
        var request = URLRequest(url: URL(string: base + path + (query.isEmpty ? "" : "?" + query))!)
        request.httpMethod = method
        if !body.isEmpty { request.httpBody = Data(body) }
        for (name, value) in RequestSignature.sign(
            method: method, path: path, query: query, body: body, key: key, time: UTCTime.now())
        {
            request.setValue(value, forHTTPHeaderField: name)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, json)
    }

    /// What the relay answered to a push: the status, `{id, seq}` of each processed change set, and the refusal's
    /// code if any.
    struct PushAnswer {
        var status: Int
        var results: [(id: String, seq: Int)]
        var refusal: String?
    }

    /// Pushes change sets in one request.
    func pushAnswer(_ changeSets: [SignedChangeSet], key: SigningKey) async throws -> PushAnswer {
        let body = try CanonicalJSON.encodeUnlimited(
            .object([JSONMember("change_sets", .array(changeSets.map(\.transport)))]))
        let (status, json) = try await request("POST", "/v1/push", body: body, key: key)
        let results = (json["results"] as? [[String: Any]] ?? []).compactMap { result in
            (result["id"] as? String).flatMap { id in (result["seq"] as? Int).map { (id: id, seq: $0) } }
        }
        return PushAnswer(
            status: status, results: results, refusal: (json["refusal"] as? [String: Any])?["code"] as? String)
    }

    /// Pushes change sets; returns the status and the seq of each acknowledged one.
    func push(_ changeSets: [SignedChangeSet], key: SigningKey) async throws -> (Int, [Int]) {
        let answer = try await pushAnswer(changeSets, key: key)
        return (answer.status, answer.results.map(\.seq))
    }

    /// Pushes change sets 200 at a time; every push must be acknowledged in full.
    func pushAll(_ changeSets: [SignedChangeSet], key: SigningKey) async throws {
        for start in stride(from: 0, to: changeSets.count, by: 200) {
            let batch = Array(changeSets[start..<min(start + 200, changeSets.count)])
            let answer = try await pushAnswer(batch, key: key)
            guard answer.status == 200, answer.results.count == batch.count else {
                throw CocoaError(
                    .fileWriteUnknown,
                    userInfo: [NSLocalizedDescriptionKey: "push answered \(answer.status) \(answer.refusal ?? "")"])
            }
        }
    }

    /// Grants a new reviewer key (the admin's change set `adminCounter`) and pushes `count` cheap change sets by it.
    func fill(admin: SigningKey, adminCounter: Int, count: Int) async throws {
        let reviewer = SigningKey.generate()
        try await pushAll(
            [
                try RelayLiveTests.changeSet(
                    [Catalogue.grant(reviewer, role: "reviewer")], by: admin, counter: adminCounter)
            ],
            key: admin)
        try await pushAll(try (1...count).map { try RelayLiveTests.filler(reviewer, $0) }, key: reviewer)
    }

    /// The relay's head, from a signed pull.
    func head(key: SigningKey) async throws -> (seq: Int, digest: String) {
        let (_, page) = try await request("GET", "/v1/pull", query: "after=999999999", key: key)
        guard let head = page["head"] as? [String: Any], let seq = head["seq"] as? Int,
            let digest = head["digest"] as? String
        else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "no head in \(page)"]) }
        return (seq, digest)
    }

    /// One entry of the log as a pull page serves it.
    struct LogEntry {
        var author: String
        var counter: Int
        var id: String
        var seq: Int
        var digest: String
    }

    /// One pull page after `after`: the status and its entries.
    func page(after: Int, limit: Int = 1000, key: SigningKey) async throws -> (status: Int, entries: [LogEntry]) {
        let (status, page) = try await request("GET", "/v1/pull", query: "after=\(after)&limit=\(limit)", key: key)
        let entries = try (page["entries"] as? [[String: Any]] ?? []).map { entry in
            let transport = entry["change_set"] as! [String: String]
            let bytes = try Base64.decode(transport["change_set"]!)
            let changeSet = try ChangeSet.decode(canonical: bytes)
            return LogEntry(
                author: changeSet.author, counter: changeSet.counter, id: Hex.encode(Sodium.blake2b256(bytes)),
                seq: entry["seq"] as! Int, digest: entry["digest"] as! String)
        }
        return (status, entries)
    }

    /// Every entry of the log, read through pull pages.
    func log(key: SigningKey) async throws -> [LogEntry] {
        var out: [LogEntry] = []
        while true {
            let (status, entries) = try await page(after: out.last?.seq ?? 0, key: key)
            guard status == 200, !entries.isEmpty else { return out }
            out += entries
        }
    }
}

/// Launching the real binary and reading what it announces on stdout.
enum Launch {
    /// Starts `hutsync arguments` in the background, its output discarded (for a test that kills it).
    static func spawn(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `hutsync arguments` in `process` and returns its stdout up to the first occurrence of `marker` (or what
    /// arrived within 60 seconds). Stderr is discarded.
    /// Waits up to `seconds` for `process` to exit; SIGKILLs it if it has not (so a hang fails the test instead of
    /// stalling the whole run). Returns whether it exited on its own.
    static func awaitExit(_ process: Process, within seconds: Double = 60) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        guard process.isRunning else { return true }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return false
    }

    static func start(_ process: Process, arguments: [String], until marker: String) throws -> String {
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        while !seen.contains(marker), Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        return seen
    }
}
