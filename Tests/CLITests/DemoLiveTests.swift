import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `hutsync demo` (what `make run` starts): serves on the URLs it prints, with sample data; a second run reuses it.
@Suite(.serialized) struct DemoLiveTests {
    let directory = TemporaryDirectory()

    /// Starts the demo and reads its printed URLs.
    func start() throws -> (Process, relay: String, node: String, firstLine: String) {
        let process = Process()
        let text = try Launch.start(
            process, arguments: ["demo", "--data", directory.file("demo"), "--relay-port", "0", "--node-port", "0"],
            until: "owner node:")
        func url(after label: String) -> String {
            text.components(separatedBy: "\n").first { $0.hasPrefix(label) }?.split(separator: " ")
                .first { $0.hasPrefix("http://") }.map(String.init) ?? ""
        }
        return (
            process, url(after: "relay:"), url(after: "owner node:"), text.components(separatedBy: "\n").first ?? ""
        )
    }

    func get(_ url: String) async throws -> [String: Any] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: url)!)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func theDemoServesSampleDataAndIsReused() async throws {
        let (first, relay, node, line) = try start()
        #expect(line.hasPrefix("HutSync demo created"))
        #expect(try await get(relay + "/healthz")["head"] as? Int == 7)
        let properties = try await get(node + "/properties")["properties"] as? [[String: Any]]
        #expect(Set(properties?.compactMap { $0["type"] as? String } ?? []) == ["farm", "hut"])
        let bookings = try #require(try await get(node + "/bookings")["bookings"] as? [[String: Any]])
        #expect(bookings.count == 3)
        // The owner's node opens its own customers' details (sealed to its key while the property was still local).
        #expect(bookings.allSatisfy { ($0["customer"] as? [String: Any])?["name"] as? String != "(private)" })
        kill(first.processIdentifier, SIGINT)
        #expect(try await Launch.awaitExit(first), "the demo did not stop on SIGINT")
        #expect(first.terminationStatus == 0)

        let (second, relayAgain, nodeAgain, lineAgain) = try start()
        #expect(lineAgain.hasPrefix("HutSync demo reused"))
        #expect(try await get(relayAgain + "/healthz")["head"] as? Int == 7)
        #expect((try await get(nodeAgain + "/properties")["properties"] as? [Any])?.count == 2)
        kill(second.processIdentifier, SIGINT)
        #expect(try await Launch.awaitExit(second), "the demo did not stop on SIGINT")
    }
}
