import Foundation
import TestSupport
import Testing

@testable import Wire

@Suite struct KeyFileTests {
    /// Removed when the test ends.
    private let temporary = TemporaryDirectory()

    private func temporaryDirectory() throws -> String {
        let path = temporary.file(UUIDText.random())
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func writesTheSeedAsHexWithMode0600AndReadsItBack() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/node.key"
        let key = SigningKey.generate()
        try KeyFile.create(key, path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == Hex.encode(key.seed) + "\n")
        #expect(try KeyFile.read(path: path).publicKey == key.publicKey)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["node.key"])
    }

    /// What `deinit` wipes is the memory the key signs with, not a copy (wiping a copied Swift array, as an earlier
    /// version did, left the secret in place).
    @Test func wipingAKeyZeroesTheBytesItSignsWith() {
        let seed = [UInt8](repeating: 0x5A, count: 32)
        let key = try! SigningKey(seed: seed)
        let message = Array("message".utf8)
        let before = key.sign(message)
        #expect(key.seed == seed)
        #expect(key.publicKey.verify(before, of: message))
        key.wipe()
        #expect(key.seed == [UInt8](repeating: 0, count: 32))
        #expect(!key.publicKey.verify(key.sign(message), of: message))
    }

    @Test func neverReplacesAnExistingKey() throws {
        let path = try temporaryDirectory() + "/admin.key"
        let original = SigningKey.generate()
        try KeyFile.create(original, path: path)
        #expect(wireErrorCode { try KeyFile.create(SigningKey.generate(), path: path) } == .keyFileExists)
        #expect(try KeyFile.read(path: path).publicKey == original.publicKey)
    }

    @Test func refusesFilesThatAreNotKeys() throws {
        let directory = try temporaryDirectory()
        for (name, contents) in [
            ("short", "abcd\n"), ("upper", String(repeating: "AB", count: 32)), ("words", "hello"),
        ] {
            try contents.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
            #expect(wireErrorCode { _ = try KeyFile.read(path: directory + "/" + name) } == .badKeyFile)
        }
        #expect(wireErrorCode { _ = try KeyFile.read(path: directory + "/missing") } == .io)
    }

    @Test func theSeedDeterminesTheKey() throws {
        let key = try SigningKey(seed: TestVectors.relaySeed)
        #expect(key.publicKey.hex == "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c")
        #expect(
            wireErrorCode { _ = try PublicKey(hex: "8A88E3DD7409F195FD52DB2D3CBA5D72CA6709BF1D94121BF3748801B40F6F5C") }
                == .badPublicKey)
    }
}

@Suite struct TimeTests {
    @Test(arguments: [
        "1970-01-01T00:00:00Z", "2026-11-25T09:30:00Z", "2024-02-29T23:59:59Z", "1969-12-31T23:59:59Z",
        "9999-12-31T23:59:59Z",
    ])
    func utcTimesRoundTrip(text: String) throws {
        let time = try #require(UTCTime(text))
        #expect(time.description == text)
    }

    @Test func utcTimeSeconds() {
        #expect(UTCTime("1970-01-02T00:00:01Z")?.seconds == 86_401)
        #expect(UTCTime("1969-12-31T23:59:59Z")?.seconds == -1)
    }

    @Test(arguments: [
        "2026-11-25T09:30:00", "2026-11-25T09:30:00.5Z", "2026-11-25t09:30:00z", "2026-11-25T24:00:00Z",
        "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-25T09:30:00+05:00", "2026-11-25 09:30:00Z", "",
    ])
    func refusesOtherTimeForms(text: String) {
        #expect(UTCTime(text) == nil)
    }

    @Test func calendarDates() throws {
        let date = try #require(CalendarDate("2026-11-25"))
        #expect(date.isoWeekday == 3)  // a Wednesday
        #expect(CalendarDate("1970-01-01")?.isoWeekday == 4)  // a Thursday
        #expect(date.adding(days: 7).description == "2026-12-02")
        #expect(CalendarDate("2026-12-31")!.adding(days: 1).description == "2027-01-01")
        #expect(CalendarDate("2000-02-29") != nil)
        #expect(CalendarDate("1900-02-29") == nil)
        #expect(CalendarDate("2026-1-5") == nil)
        #expect(CalendarDate("0000-01-01") == nil)
    }
}
