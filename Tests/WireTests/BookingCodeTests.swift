import TestSupport
import Testing

@testable import Wire

@Suite struct BookingCodeTests {
    let id = Fixtures.bookingID

    @Test func candidatesAreWindowsOfTheDigestThenRehashes() throws {
        let digest = Sodium.blake2b256(Array("hutsync/booking-code".utf8) + UUIDText.bytes(id)!)
        let characters = String(decoding: BookingCode.crockford(digest), as: UTF8.self)
        #expect(characters.count == 51)
        #expect(BookingCode.candidate(0, for: id) == "HB-" + characters.prefix(8))
        #expect(BookingCode.candidate(1, for: id) == "HB-" + characters.dropFirst(8).prefix(8))
        #expect(BookingCode.candidate(5, for: id) == "HB-" + characters.dropFirst(40).prefix(8))
        let rehash = Sodium.blake2b256(Array("hutsync/booking-code".utf8) + UUIDText.bytes(id)! + [1])
        #expect(
            BookingCode.candidate(6, for: id) == "HB-"
                + String(decoding: BookingCode.crockford(rehash).prefix(8), as: UTF8.self))
        let all = (0..<20).compactMap { BookingCode.candidate($0, for: id) }
        #expect(Set(all).count == 20)
        #expect(BookingCode.candidate(0, for: id, prefix: "XY")?.hasPrefix("XY-") == true)
    }

    @Test func crockfordReadsBitsBigEndian() {
        // 0b00001_00010_00011_... : the first byte 0x08 = 00001000, the second 0x86 = 10000110.
        let digest: [UInt8] = [0x08, 0x86] + [UInt8](repeating: 0, count: 30)
        #expect(String(decoding: BookingCode.crockford(digest).prefix(4), as: UTF8.self) == "1230")
    }

    @Test func takesTheFirstCandidateNoEarlierBookingHolds() {
        let first = BookingCode.candidate(0, for: id)!
        let second = BookingCode.candidate(1, for: id)!
        #expect(BookingCode.assign(for: id) { _ in false } == first)
        #expect(BookingCode.assign(for: id) { $0 == first } == second)
        #expect(BookingCode.assign(for: id) { $0 == first || $0 == second } == BookingCode.candidate(2, for: id))
        #expect(BookingCode.assign(for: "not-a-uuid") { _ in false } == nil)
    }

    @Test(arguments: [
        "hb-15gtv1th", "HB-15GTV1TH", "hb 15gt v1th", "15GTV1TH", "HB15GTVITH", "hb-i5gtvlth", "HB-15GTV1TH ",
    ])
    func parsesWhatPeopleType(text: String) throws {
        #expect(try BookingCode.parse(text) == "HB-15GTV1TH")
    }

    @Test func parsesOAsZero() throws {
        #expect(try BookingCode.parse("hb-oooooooo") == "HB-00000000")
    }

    @Test(arguments: ["HB-15GTV1T", "HB-15GTV1THX", "HB-15GTV1TU", "HB-15GTV1T!", "", "XY-15GTV1TH"])
    func refusesWhatIsNotACode(text: String) {
        #expect(wireErrorCode { _ = try BookingCode.parse(text) } == .badBookingCode)
    }

    /// A window of the Crockford characters is the same slice of all of them.
    @Test func aWindowOfCharactersIsASliceOfAll() {
        for seed in 0..<20 {
            let digest = Sodium.blake2b256([UInt8(seed)])
            let all = BookingCode.crockford(digest)
            #expect(all.count == 51)
            for start in 0...(51 - 8) {
                #expect(BookingCode.crockford(digest, from: start, count: 8) == Array(all[start..<(start + 8)]))
            }
        }
    }

    /// The one-pass reading accepts exactly what filtering out the hyphens and decoding the hex accepted, with the
    /// same bytes: every position of a UUID replaced by every kind of character, and the wrong lengths.
    @Test func uuidBytesAreReadAsBefore() {
        func reference(_ text: String) -> [UInt8]? {
            let utf8 = Array(text.utf8)
            guard utf8.count == 36, [8, 13, 18, 23].allSatisfy({ utf8[$0] == UInt8(ascii: "-") }) else { return nil }
            return try? Hex.decode(
                String(decoding: utf8.filter { $0 != UInt8(ascii: "-") }, as: UTF8.self), byteCount: 16)
        }
        var texts = [id, UUIDText.random(), String(id.dropLast()), id + "0", "", id.uppercased()]
        for position in 0..<36 {
            for replacement in ["-", "0", "9", "a", "f", "g", "A", "F", " ", "é", "\u{0}"] {
                var characters = Array(id)
                characters[position] = Character(replacement)
                texts.append(String(characters))
            }
        }
        for text in texts { #expect(UUIDText.bytes(text) == reference(text), "\(text)") }
        #expect(UUIDText.bytes(id)?.count == 16)
    }

    @Test func uuidsAreLowerCaseHyphenated() {
        #expect(UUIDText.isValid(id))
        #expect(!UUIDText.isValid(id.uppercased()))
        #expect(!UUIDText.isValid(id.replacingHyphens()))
        #expect(UUIDText.normalise(id.uppercased()) == id)
        let random = UUIDText.random()
        #expect(UUIDText.isValid(random))
        #expect(Array(random.utf8)[14] == UInt8(ascii: "4"))
        #expect(random != UUIDText.random())
    }

    @Test func timeOrderedUUIDsCarryTheMillisecondsAndSortByThem() throws {
        let at = 1_795_000_000_123  // 2026-11-18, in Unix milliseconds
        let id = UUIDText.timeOrdered(milliseconds: at)
        #expect(UUIDText.isValid(id))
        let bytes = try #require(UUIDText.bytes(id))
        #expect(bytes.prefix(6).reduce(0) { $0 << 8 | Int($1) } == at)
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
        #expect(id != UUIDText.timeOrdered(milliseconds: at))
        // Later ids sort after earlier ones, as text too (what the indexes compare).
        let later = (1...50).map { UUIDText.timeOrdered(milliseconds: at + $0) }
        #expect(later == later.sorted())
        #expect(later.allSatisfy { $0 > id })
        let now = UUIDText.timeOrdered()
        #expect(try #require(UUIDText.bytes(now)).prefix(6).reduce(0) { $0 << 8 | Int($1) } > at)
    }
}

extension String {
    fileprivate func replacingHyphens() -> String { String(filter { $0 != "-" }) }
}
