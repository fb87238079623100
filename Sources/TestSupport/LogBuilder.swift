import Foundation
package import Store
package import Wire

/// Builds a network's log for tests: a genesis and signed, sequenced entries from any key, with counters, bases and
/// relay times filled in as a relay would.
package struct LogBuilder {
    package let relay: SigningKey
    package let admin: SigningKey
    package private(set) var seq = 0
    package var time: UTCTime
    private var counters: [PublicKey: Int] = [:]

    package init(
        relay: SigningKey = Fixtures.relay, admin: SigningKey = Fixtures.admin,
        time: UTCTime = UTCTime("2026-11-25T05:00:00Z")!
    ) {
        self.relay = relay
        self.admin = admin
        self.time = time
    }

    /// Seq 1: network params, the relay and admin grants, and a platform payee.
    package mutating func genesis(payee: Bool = true) -> SequencedEntry {
        var ops: [Wire.Operation] = [
            .networkParams(
                NetworkParams(
                    networkID: "6f1c2a3e-1b0d-4c5e-9a7f-2d3b4c5d6e7f", rulesVersion: 1, timeZone: "Asia/Karachi",
                    utcOffsetMinutes: 300, codePrefix: "HB")),
            .keyGrant(KeyGrant(publicKey: relay.publicKey.hex, role: "relay", label: "relay")),
            .keyGrant(KeyGrant(publicKey: admin.publicKey.hex, role: "admin", label: "first admin")),
        ]
        if payee {
            ops.append(
                .platformPayee(
                    PlatformPayee(payee: PaymentAccount(method: "easypaisa", account: "03001234567", title: "HutSync")))
            )
        }
        return entry(ops, by: relay)
    }

    /// The last counter `key` used in this log (0 when none).
    package func counter(of key: SigningKey) -> Int { counters[key.publicKey] ?? 0 }

    /// The next entry: `ops` signed by `key` with its next counter, sequenced now (time advances one second).
    package mutating func entry(_ ops: [Wire.Operation], by key: SigningKey, advancing seconds: Int = 1)
        -> SequencedEntry
    {
        seq += 1
        time = UTCTime(seconds: time.seconds + seconds)
        let counter = (counters[key.publicKey] ?? 0) + 1
        counters[key.publicKey] = counter
        let changeSet = ChangeSet(
            author: key.publicKey, counter: counter, baseSeq: seq - 1, baseHash: [UInt8](repeating: 0, count: 32),
            time: time, ops: ops)
        do {
            return SequencedEntry(
                seq: seq, relayTime: time, changeSet: try SignedChangeSet(signing: changeSet, with: key))
        } catch {
            preconditionFailure("test change set does not sign: \(error)")
        }
    }
}

/// Deterministic ids for tests: `TestID.uuid(7)` → `00000000-0000-4000-8000-000000000007`.
package enum TestID {
    package static func uuid(_ number: Int, kind: Int = 0) -> String {
        let tail = String(number, radix: 16)
        return String(format: "%08x", kind) + "-0000-4000-8000-" + String(repeating: "0", count: 12 - tail.count) + tail
    }
}

/// A folder under the system's temporary directory, removed when the value is discarded by the test.
package final class TemporaryDirectory: Sendable {
    package let path: String

    package init() {
        path = NSTemporaryDirectory() + "hutsync-test-" + UUIDText.random()
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    package func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// SplitMix64: a tiny seeded generator, so simulations replay from their seed.
package struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    package init(seed: UInt64) { state = seed }
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
