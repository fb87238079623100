import Testing

@testable import Wire

/// Inputs the fuzz targets in `Fuzz/` found, each kept as a test that failed before its fix.
@Suite struct FuzzRegressionTests {
    /// `n` nested arrays: `[[…]]`.
    static func nested(_ n: Int) -> [UInt8] {
        [UInt8](repeating: UInt8(ascii: "["), count: n) + [UInt8](repeating: UInt8(ascii: "]"), count: n)
    }

    /// `changeset` target: `decodeUnlimited` (a node reading the relay's answers) recursed once per level with no
    /// bound, so ~15,000 `[` in an answer overflowed the stack and killed the node.
    @Test func deeplyNestedAnswersAreRefusedNotAStackOverflow() {
        for bytes in [Self.nested(100_000), Array(#"{"author":"#.utf8) + Self.nested(3_000) + [UInt8(ascii: "}")]] {
            let error = #expect(throws: WireError.self) { try CanonicalJSON.decodeUnlimited(bytes) }
            #expect(error?.code == .tooDeep)
        }
    }

    @Test func unlimitedNestingStopsAtTheSameDepthForReaderAndWriter() throws {
        let deepest = Self.nested(CanonicalJSON.unlimitedDepth)
        #expect(try CanonicalJSON.encodeUnlimited(CanonicalJSON.decodeUnlimited(deepest)) == deepest)
        let oneDeeper = Self.nested(CanonicalJSON.unlimitedDepth + 1)
        #expect(throws: WireError.self) { try CanonicalJSON.decodeUnlimited(oneDeeper) }
        let tooDeep = (0..<CanonicalJSON.unlimitedDepth).reduce(JSONValue.array([])) { inner, _ in .array([inner]) }
        #expect(throws: WireError.self) { try CanonicalJSON.encodeUnlimited(tooDeep) }
        // The change-set limit is unchanged.
        #expect(throws: WireError.self) { try CanonicalJSON.decode(Self.nested(WireLimits.depth + 1)) }
    }
}
