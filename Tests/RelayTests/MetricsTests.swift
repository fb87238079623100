import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Relay
import Store
import TestSupport
import Testing
import Wire

@Suite struct MetricsTests {
    @Test func metricsCountPushesEntriesAndRequests() async throws {
        let harness = try RelayHarness()
        let metrics = RelayMetrics()
        let app = try RelayServer.build(
            store: harness.store, relayKey: harness.relayKey, clock: { RelayHarness.now }, metrics: metrics)
        let changeSets = try (1...3).map { counter in
            try harness.changeSet(
                [Catalogue.owner(TestID.uuid(counter, kind: 0xA))], by: harness.admin, counter: counter)
        }
        let body = HTTPTests.pushBody(changeSets)
        try await app.test(.router) { client in
            for _ in 0..<2 {  // the second push answers existing entries: nothing new is sequenced
                try await client.execute(
                    uri: "/v1/push", method: .post,
                    headers: HTTPTests.headers("POST", "/v1/push", body: body, key: harness.admin),
                    body: ByteBuffer(bytes: body)
                ) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains("hutsync_relay_entries_sequenced 3\n"), "\(text)")
                #expect(text.contains("hutsync_relay_pushes 2\n"))
                #expect(text.contains("hutsync_relay_head_seq 4"))
                #expect(text.contains(#"hutsync_relay_request_duration_count{route="/v1/push",status="2xx"} 2"#))
            }
        }
    }

    @Test func withoutMetricsTheEndpointIsAbsent() async throws {
        let harness = try RelayHarness()
        try await HTTPTests.app(harness).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .notFound) }
        }
    }
}
