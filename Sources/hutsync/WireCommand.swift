import ArgumentParser
import Wire

struct WireCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wire", abstract: "Tools for the change-set wire format (docs/protocol.md).",
        subcommands: [Inspect.self, Code.self, Vectors.self])

    struct Inspect: ResultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode and verify a signed change set in transport form.",
            discussion: """
                The input is {"change_set": base64, "signature": hex} in canonical JSON. Exit 1 for a malformed \
                change set, 3 when the signature does not verify, 5 for a format version or operation this build \
                does not know.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A file holding the transport object, or - for standard input.") var input = "-"

        func execute() throws(CommandFailure) -> JSONValue {
            var bytes = try readInput(input)
            while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 { bytes.removeLast() }
            do {
                let transport = try CanonicalJSON.decode(bytes, maxBytes: WireLimits.pushBytes)
                let signed = try SignedChangeSet(transport: transport).verified()
                let body = try CanonicalJSON.decode(signed.bytes)
                return .object([
                    JSONMember("id", .string(signed.idHex)),
                    JSONMember("author", .string(signed.changeSet.author)),
                    JSONMember("counter", .int(signed.changeSet.counter)),
                    JSONMember("operations", .array(signed.changeSet.ops.map { .string($0.name) })),
                    JSONMember("signature_valid", .bool(true)),
                    JSONMember("change_set", body),
                ])
            } catch {
                throw CommandFailure(error)
            }
        }
    }

    struct Code: ResultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Derive a booking's code from its id, or normalise a code as a person typed it.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "A booking UUID.") var bookingID: String?
        @Option(help: "Which candidate (0 unless earlier bookings already hold the first).") var candidate = 0
        @Option(help: "A code to normalise (any case; O for 0, I or L for 1).") var parse: String?

        func execute() throws(CommandFailure) -> JSONValue {
            if let parse {
                do {
                    return .object([JSONMember("code", .string(try BookingCode.parse(parse)))])
                } catch {
                    throw CommandFailure(error)
                }
            }
            guard let bookingID, let id = UUIDText.normalise(bookingID) else {
                throw .badInput("give --booking-id UUID or --parse CODE")
            }
            guard let code = BookingCode.candidate(candidate, for: id) else {
                throw .badInput("--candidate must be between 0 and 1535")
            }
            return .object([JSONMember("booking_id", .string(id)), JSONMember("code", .string(code))])
        }
    }

    struct Vectors: ResultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the protocol test vectors as this build computes them (docs/vectors/v1.json).")
        @OptionGroup var global: GlobalOptions

        func execute() throws(CommandFailure) -> JSONValue {
            do {
                return try TestVectors.build()
            } catch {
                throw CommandFailure(error)
            }
        }
    }
}
