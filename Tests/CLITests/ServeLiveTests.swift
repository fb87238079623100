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

        let (data, response) = try await URLSession.shared.data(from: URL(string: base + "/status")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let status = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(status["role"] as? String == "admin")
        let (bad, badResponse) = try await URLSession.shared.data(
            from: URL(string: base + "/availability?property=nope")!)
        #expect((badResponse as? HTTPURLResponse)?.statusCode == 400)
        #expect(String(decoding: bad, as: UTF8.self).contains("property"))

        kill(serve.processIdentifier, SIGTERM)
        serve.waitUntilExit()
        #expect(serve.terminationStatus == 0)
        relay.stop(SIGTERM)
    }
}
