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

    /// Pushes change sets; returns the status and the seq of each acknowledged one.
    func push(_ changeSets: [SignedChangeSet], key: SigningKey) async throws -> (Int, [Int]) {
        let body = try CanonicalJSON.encodeUnlimited(
            .object([JSONMember("change_sets", .array(changeSets.map(\.transport)))]))
        let (status, json) = try await request("POST", "/v1/push", body: body, key: key)
        let seqs = (json["results"] as? [[String: Any]] ?? []).compactMap { $0["seq"] as? Int }
        return (status, seqs)
    }

    /// Every (author, counter, id) in the log, read through pull pages.
    func log(key: SigningKey) async throws -> [(author: String, counter: Int, id: String, seq: Int)] {
        var out: [(String, Int, String, Int)] = []
        var after = 0
        while true {
            let (status, page) = try await request("GET", "/v1/pull", query: "after=\(after)&limit=1000", key: key)
            guard status == 200, let entries = page["entries"] as? [[String: Any]], !entries.isEmpty else { return out }
            for entry in entries {
                let transport = entry["change_set"] as! [String: String]
                let bytes = try Base64.decode(transport["change_set"]!)
                let changeSet = try ChangeSet.decode(canonical: bytes)
                out.append(
                    (changeSet.author, changeSet.counter, Hex.encode(Sodium.blake2b256(bytes)), entry["seq"] as! Int))
            }
            after = out.last!.3
        }
    }
}

/// Launching the real binary and reading what it announces on stdout.
enum Launch {
    /// Runs `hutsync arguments` in `process` and returns its stdout up to the first occurrence of `marker` (or what
    /// arrived within 60 seconds). Stderr is discarded.
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
