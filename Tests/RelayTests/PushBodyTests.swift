import Foundation
import Relay
import SyncNode
import TestSupport
import Testing
import Wire

/// The push body read straight from the bytes (the form nodes send) answers exactly as the general JSON reading does,
/// and every other body is left to the general reading.
@Suite struct PushBodyTests {
    /// What a reading gave: the change sets' ids and the refusal, or the error thrown.
    enum Reading: Equatable {
        case read(ids: [String], refusal: String?)
        case refused(String)
    }

    static func reading(
        _ parse: ([UInt8]) throws(RelayError) -> ([SignedChangeSet], (index: Int, error: RelayError)?),
        _ body: [UInt8]
    ) -> Reading {
        do {
            let (changeSets, refusal) = try parse(body)
            return .read(ids: changeSets.map(\.idHex), refusal: refusal.map { "\($0.index) \($0.error.code)" })
        } catch {
            return .refused("\(error.status) \(error.code)")
        }
    }

    static let changeSets: [SignedChangeSet] = (1...3).map { counter in
        try! SignedChangeSet(
            signing: ChangeSet(
                author: Fixtures.owner.publicKey, counter: counter, baseSeq: 1,
                baseHash: [UInt8](repeating: 7, count: 32), time: RelayHarness.now,
                ops: [Catalogue.owner(TestID.uuid(counter, kind: 0xA))]),
            with: Fixtures.owner)
    }

    static func text(_ body: [UInt8]) -> String { String(decoding: body, as: UTF8.self) }

    @Test func theFormNodesSendIsReadStraightFromTheBytes() throws {
        let body = HTTPRelayTransport.pushBody(Self.changeSets)
        #expect(PushBody.scan(body)?.count == 3)
        #expect(PushBody.scan(Array(#"{"change_sets":[]}"#.utf8))?.count == 0)
        let expected = Reading.read(ids: Self.changeSets.map(\.idHex), refusal: nil)
        #expect(Self.reading(PushBody.parse, body) == expected)
        #expect(Self.reading(PushBody.parseGeneral, body) == expected)
    }

    @Test func everyOtherBodyIsReadAsBeforeAndAnswersTheSame() throws {
        let body = Self.text(HTTPRelayTransport.pushBody(Self.changeSets))
        let first = Self.changeSets[0].transport
        guard case .string(let base64)? = first["change_set"], case .string(let signature)? = first["signature"] else {
            Issue.record("no transport form")
            return
        }
        // The same string with its first character escaped (`\u00XX`).
        let escaped = String(format: "\\u%04x", base64.unicodeScalars.first!.value) + base64.dropFirst()
        let item = #"{"change_set":"\#(base64)","signature":"\#(signature)"}"#
        let others: [String] = [
            body.replacingOccurrences(of: ",", with: ", "),  // whitespace
            " " + body, body + "\n", body + "x", String(body.dropLast()), "",
            #"{"change_sets": []}"#, #"{"change_sets":[]"#, #"{"change_sets":{}}"#, #"{"other":[]}"#, "[]",
            #"{"change_sets":[{"signature":"\#(signature)","change_set":"\#(base64)"}]}"#,  // keys swapped
            #"{"change_sets":[\#(item),{"change_set":"\#(base64)","signature":"\#(signature)","x":1}]}"#,
            #"{"change_sets":[\#(item),7]}"#,
            #"{"change_sets":[{"change_set":"\#(escaped)","signature":"\#(signature)"}]}"#,  // an escape
            #"{"change_sets":[{"change_set":"\#(base64)","signature":"\#(signature)é"}]}"#,  // non-ASCII
            #"{"change_sets":[{"change_set":"\#(base64)","signature":"\#(signature)\u0001"}]}"#,  // an escape
            #"{"change_sets":[{"change_set":"\#(base64)","change_set":"\#(base64)","signature":"\#(signature)"}]}"#,
        ]
        for other in others {
            let bytes = Array(other.utf8)
            #expect(PushBody.scan(bytes) == nil, "\(other.prefix(80))")
            #expect(Self.reading(PushBody.parse, bytes) == Self.reading(PushBody.parseGeneral, bytes))
        }
        // Bodies in the form whose strings do not decode: the same refusal, at the same index.
        let malformed: [String] = [
            #"{"change_sets":[\#(item),{"change_set":"!!!","signature":"\#(signature)"}]}"#,
            #"{"change_sets":[\#(item),{"change_set":"\#(base64)","signature":"abc"}]}"#,
            #"{"change_sets":[\#(item),{"change_set":"","signature":""}]}"#,
            "{\"change_sets\":["
                + Array(repeating: item, count: WireLimits.changeSetsPerPush + 1).joined(
                    separator: ",") + "]}",
        ]
        for other in malformed {
            let bytes = Array(other.utf8)
            #expect(PushBody.scan(bytes) != nil, "\(other.prefix(80))")
            let reading = Self.reading(PushBody.parse, bytes)
            #expect(reading == Self.reading(PushBody.parseGeneral, bytes))
            #expect(reading != .read(ids: [Self.changeSets[0].idHex], refusal: nil))
        }
    }
}
