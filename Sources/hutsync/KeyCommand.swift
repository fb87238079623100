import ArgumentParser
import Wire

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Create and show Ed25519 key files.", subcommands: [New.self, Show.self])

    struct New: ResultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new key file (mode 0600; an existing file is never replaced).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Where to write the key file.") var out: String

        func execute() throws(CommandFailure) -> JSONValue {
            let key = SigningKey.generate()
            do {
                try KeyFile.create(key, path: out)
            } catch {
                throw CommandFailure(error)
            }
            return .object([JSONMember("public_key", .string(key.publicKey.hex)), JSONMember("path", .string(out))])
        }
    }

    struct Show: ResultCommand {
        static let configuration = CommandConfiguration(abstract: "Print the public key of a key file.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The key file.") var key: String

        func execute() throws(CommandFailure) -> JSONValue {
            do {
                return .object([JSONMember("public_key", .string(try KeyFile.read(path: key).publicKey.hex))])
            } catch {
                throw CommandFailure(error)
            }
        }
    }
}
