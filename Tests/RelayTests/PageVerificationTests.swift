import TestSupport
import Testing
import Wire

@testable import SyncNode

/// A node checks a page's author signatures in batches across the cores (`SyncClient.verifySignatures`); a bad one
/// stops it, naming that entry, wherever in the page it is.
@Suite struct PageVerificationTests {
    static let changeSets: [SignedChangeSet] = (0..<150).map { index in
        let author = [Fixtures.owner, Fixtures.admin][index % 2]
        return try! SignedChangeSet(
            signing: Fixtures.changeSet([Fixtures.everyOperation[0]], author: author, counter: index + 1), with: author)
    }
    static let seqs = Array(1001...1150)

    @Test func goodSignaturesPass() throws {
        try SyncClient.verifySignatures(Self.changeSets, seqs: Self.seqs)
    }

    @Test(arguments: [0, 63, 64, 100, 149]) func aBadSignatureIsNamed(_ position: Int) throws {
        var changeSets = Self.changeSets
        var signature = changeSets[position].signature
        signature[40] ^= 0x04
        changeSets[position] = try SignedChangeSet(bytes: changeSets[position].bytes, signature: signature)
        // Another bad one later in the page: the first is the one named.
        if position + 7 < changeSets.count {
            changeSets[position + 7] = try SignedChangeSet(
                bytes: changeSets[position + 7].bytes, signature: changeSets[0].signature)
        }
        let error = #expect(throws: SyncError.self) { try SyncClient.verifySignatures(changeSets, seqs: Self.seqs) }
        #expect(error?.kind == .integrity)
        #expect(error?.message == "entry \(Self.seqs[position]) carries a bad author signature")
    }
}
