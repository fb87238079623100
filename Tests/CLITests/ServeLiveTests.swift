import Foundation
import TestSupport
import Testing
import Wire

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `node serve`: writes made by CLI processes are pushed promptly; the local API answers; SIGTERM stops it cleanly.
@Suite(.serialized) struct ServeLiveTests {
    let directory = TemporaryDirectory()

    @Test func serveSyncsCLIWritesAndAnswersTheLocalAPI() async throws {
        let relayData = directory.file("relay")
        _ = try CLI.run(["relay", "init", "--data", relayData])
        let relay = try RelayProcess(data: relayData)
        let admin = try KeyFile.read(path: relayData + "/admin.key")
        let node = directory.file("admin")
        #expect(
            try CLI.run(["node", "init", "--data", node, "--relay", relay.base, "--key", relayData + "/admin.key"])
                .status == 0)

        let serve = Process()
        let line = try Launch.start(
            serve, arguments: ["node", "serve", "--data", node, "--listen", "127.0.0.1:0"], until: "\n")
        let base = try #require(
            line.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) })
        #expect(line.hasPrefix("listening on http://127.0.0.1:"))

        // A write from another process: serve notices the outbox and pushes it without `node sync`.
        #expect(
            try CLI.run(["node", "owner", "add", "--data", node, "--name", "Ahmed", "--phone", "03001234567"]).status
                == 0)
        var head = 1
        for _ in 0..<60 where head < 2 {
            try await Task.sleep(for: .milliseconds(250))
            let (_, page) = try await relay.request("GET", "/v1/pull", query: "after=99999", key: admin)
            head = (page["head"] as? [String: Any])?["seq"] as? Int ?? head
        }
        #expect(head == 2, "serve did not push the CLI's write")

        // A write from another node reaches the serving node through its long-polling pull: serve's idle timer is
        // a minute, so seeing it within 10 s means the relay woke it.
        let other = directory.file("other")
        let otherInit = try CLI.run(["node", "init", "--data", other, "--relay", relay.base, "--json"])
        let otherKey = try #require(CLI.json(otherInit.stdout)?["public_key"] as? String, "\(otherInit.stderr)")
        #expect(
            try CLI.run(["node", "key", "grant", "--data", node, "--public-key", otherKey, "--role", "admin"]).status
                == 0)
        var granted = false
        for _ in 0..<60 where !granted {
            try await Task.sleep(for: .milliseconds(250))
            granted = try CLI.run(["node", "sync", "--data", other]).status == 0
        }
        #expect(granted, "serve did not push the grant")
        #expect(
            try CLI.run(["node", "owner", "add", "--data", other, "--name", "Bilal", "--phone", "03007654321"]).status
                == 0)
        let sync = try CLI.run(["node", "sync", "--data", other, "--json"])
        let target = try #require(CLI.json(sync.stdout)?["applied_seq"] as? Int, "\(sync.stderr)")
        let written = ContinuousClock.now
        var applied = 0
        while applied < target, ContinuousClock.now - written < .seconds(10) {
            try await Task.sleep(for: .milliseconds(100))
            let (data, _) = try await URLSession.shared.data(from: URL(string: base + "/status")!)
            applied = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["applied_seq"] as? Int ?? 0
        }
        #expect(applied == target, "the serving node did not pull the other node's write promptly")

        let (data, response) = try await URLSession.shared.data(from: URL(string: base + "/status")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let status = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(status["role"] as? String == "admin")
        let (bad, badResponse) = try await URLSession.shared.data(
            from: URL(string: base + "/availability?property=nope")!)
        #expect((badResponse as? HTTPURLResponse)?.statusCode == 400)
        #expect(String(decoding: bad, as: UTF8.self).contains("property"))

        // A rebuild would replace the store under serve (whose later writes would go to the replaced file): refused
        // while serve runs, changing nothing.
        let refused = try CLI.run(["node", "rebuild", "--data", node])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("node serve"), "\(refused.stderr)")
        #expect(try CLI.run(["node", "verify", "--data", node]).status == 0)

        // SIGTERM while a long poll is in flight: the pull is cancelled, serve ends at once.
        let stopping = ContinuousClock.now
        kill(serve.processIdentifier, SIGTERM)
        serve.waitUntilExit()
        #expect(serve.terminationStatus == 0)
        #expect(ContinuousClock.now - stopping < .seconds(10), "serve waited for its long poll before stopping")
        let rebuilt = try CLI.run(["node", "rebuild", "--data", node, "--json"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(CLI.json(rebuilt.stdout)?["applied_seq"] as? Int == target)
        // The relay still holds serve's long poll (it has not noticed the closed connection): it answers it at once
        // when asked to stop, instead of waiting out the 25 s.
        let relayStopping = ContinuousClock.now
        relay.stop(SIGTERM)
        #expect(ContinuousClock.now - relayStopping < .seconds(10), "the relay waited out a long poll before stopping")
    }
}
