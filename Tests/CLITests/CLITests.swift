import Foundation
import TestSupport
import Testing

@testable import Wire

/// Runs the real `hutsync` binary (built by `make test` before the tests run).
struct CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/hutsync").path

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `hutsync arguments` (or another `executable`) to its end, with `input` on its stdin; `environment` is
    /// added to this process's environment.
    static func run(
        _ arguments: [String], input: String? = nil, environment: [String: String] = [:], executable: String = binary
    ) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw CocoaError(
                .fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "build hutsync first (make test does)"])
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        // Stdin is written and stderr drained on other threads while this one drains stdout: a child blocked on one
        // full pipe (64 KiB) while the test waits on another would never finish.
        let group = DispatchGroup()
        let stderr = Drained()
        DispatchQueue.global().async(group: group) {
            if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
            try? inPipe.fileHandleForWriting.close()
        }
        DispatchQueue.global().async(group: group) { stderr.data = err.fileHandleForReading.readDataToEndOfFile() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr.data, as: UTF8.self))
    }

    /// What one thread read from a pipe, for another to use after `DispatchGroup.wait()`.
    private final class Drained: @unchecked Sendable {  // Written once before the group's wait returns; read after.
        var data = Data()
    }

    /// `run` on a Dispatch thread, for long commands: a test blocking one of Swift's cooperative threads (two on this
    /// machine) for many seconds starves the in-process servers other tests run in parallel.
    static func runOffPool(_ arguments: [String]) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Swift.Result { try run(arguments) }) }
        }
    }

    static func json(_ text: String) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }
}

@Suite struct CLITests {
    /// Removed when the test ends.
    let temporary = TemporaryDirectory()
    var directory: String { temporary.path }

    static let vector = try! SignedChangeSet(
        signing: ChangeSet(
            author: Fixtures.owner.publicKey, counter: 3, baseSeq: 0, baseHash: [UInt8](repeating: 0, count: 32),
            time: Fixtures.time, ops: [.bookingExpire(BookingExpire(bookingID: Fixtures.bookingID))]),
        with: Fixtures.owner)

    private func transportText(_ signed: SignedChangeSet) throws -> String {
        String(decoding: try CanonicalJSON.encode(signed.transport), as: UTF8.self)
    }

    @Test func keyNewWritesA0600KeyAndKeyShowReadsIt() throws {
        let path = directory + "/a.key"
        let created = try CLI.run(["key", "new", "--out", path, "--json"])
        #expect(created.status == 0)
        let publicKey = try #require(CLI.json(created.stdout)?["public_key"] as? String)
        #expect(Hex.isValid(publicKey, byteCount: 32))
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        let shown = try CLI.run(["key", "show", "--key", path, "--json"])
        #expect(CLI.json(shown.stdout)?["public_key"] as? String == publicKey)

        let again = try CLI.run(["key", "new", "--out", path, "--json"])
        #expect(again.status == 1)
        #expect(again.stdout.isEmpty)
        #expect(again.stderr.contains("already exists"))
        #expect(try KeyFile.read(path: path).publicKey.hex == publicKey)
    }

    @Test func inspectVerifiesAndPrintsTheChangeSet() throws {
        let result = try CLI.run(["wire", "inspect", "--json"], input: try transportText(Self.vector))
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(CLI.json(result.stdout))
        #expect(object["id"] as? String == Self.vector.idHex)
        #expect(object["counter"] as? Int == 3)
        #expect(object["operations"] as? [String] == ["booking.expire"])
        #expect(object["signature_valid"] as? Bool == true)
        #expect(result.stdout.split(separator: "\n").count == 1)
    }

    @Test func inspectExitsThreeOnABadSignature() throws {
        var signature = Self.vector.signature
        signature[0] ^= 1
        let forged = try SignedChangeSet(bytes: Self.vector.bytes, signature: signature)
        let result = try CLI.run(["wire", "inspect", "--json"], input: try transportText(forged))
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1, "one line on stderr")
    }

    @Test func inspectExitsFiveForAnOperationFromAFutureVersion() throws {
        let bytes = Fixtures.edit(Self.vector.bytes, "booking.expire", "booking.teleport")
        let signature = Fixtures.owner.sign(SignedChangeSet.signaturePrefix + bytes)
        let transport = #"{"change_set":"\#(Base64.encode(bytes))","signature":"\#(Hex.encode(signature))"}"#
        let result = try CLI.run(["wire", "inspect", "--json"], input: transport)
        #expect(result.status == 5)
        #expect(result.stderr.contains("upgrade HutSync"))
    }

    @Test func inspectExitsOneForMalformedInput() throws {
        for input in ["", "{}", "not json", #"{"change_set":"@@","signature":"00"}"#] {
            let result = try CLI.run(["wire", "inspect", "--json"], input: input)
            #expect(result.status == 1, "\(input)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("hutsync: "))
        }
    }

    @Test func codeDerivesAndParses() throws {
        let derived = try CLI.run(["wire", "code", "--booking-id", Fixtures.bookingID.uppercased(), "--json"])
        #expect(CLI.json(derived.stdout)?["code"] as? String == BookingCode.candidate(0, for: Fixtures.bookingID))
        let parsed = try CLI.run(["wire", "code", "--parse", "hb-i5gtvlth", "--json"])
        #expect(CLI.json(parsed.stdout)?["code"] as? String == "HB-15GTV1TH")
        let bad = try CLI.run(["wire", "code", "--parse", "hb-15gtv1tu", "--json"])
        #expect(bad.status == 1)
        #expect(bad.stdout.isEmpty)
    }

    /// A child that fills one pipe while the helper waits on another must not hang it.
    @Test(.timeLimit(.minutes(1))) func theRunHelperDrainsLargeOutputOnEveryPipe() throws {
        let noisy = try CLI.run(["-c", "head -c 200000 /dev/zero >&2; echo done"], executable: "/bin/sh")
        #expect(noisy.status == 0)
        #expect(noisy.stderr.utf8.count == 200_000)
        #expect(noisy.stdout == "done\n")
        let large = String(repeating: "0123456789abcdef", count: 20_000)
        let echoed = try CLI.run([], input: large, executable: "/bin/cat")
        #expect(echoed.stdout == large)
    }

    @Test func usageErrorsExit64() throws {
        #expect(try CLI.run(["key", "new"]).status == 64)
        #expect(try CLI.run(["wire", "nonsense"]).status == 64)
    }
}
