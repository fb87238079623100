import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Relay
import Store
import Wire

struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay", abstract: "Run the relay: the sequencer and the log every node syncs with.",
        subcommands: [Init.self, Serve.self])

    /// `--data`, else `$HUTSYNC_DATA`, else `./hutsync-relay`.
    static func folder(_ global: GlobalOptions) -> RelayFolder {
        RelayFolder(path: global.data ?? ProcessInfo.processInfo.environment["HUTSYNC_DATA"] ?? "hutsync-relay")
    }

    struct Init: ResultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the relay store, the relay key, a first admin key (admin.key) and the genesis.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The platform payee's method: easypaisa, jazzcash or bank.") var payeeMethod: String?
        @Option(help: "The platform payee's account number.") var payeeAccount: String?
        @Option(help: "The platform payee's account title.") var payeeTitle: String?

        func execute() throws(CommandFailure) -> JSONValue {
            let folder = RelayCommand.folder(global)
            let payee = try platformPayee()
            let created: RelayFolder.Created
            do {
                created = try folder.initialize(payee: payee, now: UTCTime.now())
            } catch let error as RelayError {
                throw .badInput(error.message)
            } catch let error as WireError {
                throw CommandFailure(error)
            } catch {
                throw .badInput("cannot create the relay in \(folder.path): \(error)")
            }
            if !global.json {
                writeStandardError(
                    "relay created in \(folder.path). Move \(folder.adminKeyPath) to your admin node "
                        + "(`hutsync node init --key admin.key`) and keep it secret.\n")
            }
            return .object([
                JSONMember("relay_public_key", .string(created.relayKey.hex)),
                JSONMember("admin_public_key", .string(created.adminKey.hex)),
                JSONMember("genesis_hash", .string(Hex.encode(created.genesisHash))),
            ])
        }

        private func platformPayee() throws(CommandFailure) -> PaymentAccount? {
            let given = [payeeMethod, payeeAccount, payeeTitle].compactMap { $0 }
            guard !given.isEmpty else { return nil }
            guard let payeeMethod, let payeeAccount, let payeeTitle, given.allSatisfy({ !$0.isEmpty }) else {
                throw .badInput("--payee-method, --payee-account and --payee-title go together")
            }
            guard ["easypaisa", "jazzcash", "bank"].contains(payeeMethod) else {
                throw .badInput("--payee-method must be easypaisa, jazzcash or bank")
            }
            return PaymentAccount(
                method: payeeMethod, account: CanonicalJSON.nfc(payeeAccount), title: CanonicalJSON.nfc(payeeTitle))
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the relay until SIGINT or SIGTERM, then shut down gracefully.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Address to listen on (host:port; port 0 picks a free one).") var listen = "127.0.0.1:8080"

        func run() async throws {
            do {
                try await serve()
            } catch let failure as CommandFailure {
                writeStandardError("hutsync: \(failure.message)\n")
                throw ExitCode(failure.exitCode)
            }
        }

        private func serve() async throws {
            let (host, port) = try Self.address(listen)
            if let url = ProcessInfo.processInfo.environment["HUTSYNC_DATABASE_URL"], !url.isEmpty {
                throw CommandFailure.badInput(
                    "HUTSYNC_DATABASE_URL is set, but this version stores the relay in SQLite only: unset it")
            }
            let logger = makeLogger(verbose: global.verbose)
            let folder = RelayCommand.folder(global)
            let opened: (key: SigningKey, store: ReplicaStore)
            do {
                opened = try folder.open()
            } catch let error as RelayError {
                throw CommandFailure.badInput(error.message)
            } catch {
                throw CommandFailure.badInput("cannot open the relay in \(folder.path): \(error)")
            }
            let json = global.json
            let app = try RelayServer.build(
                store: opened.store, relayKey: opened.key, host: host, port: port, logger: logger,
                metrics: RelayMetrics(),
                onRunning: { port in
                    let url = "http://\(host):\(port)"
                    print(json ? #"{"listening":"\#(url)"}"# : "listening on \(url)")
                    fflush(nil)
                })
            do {
                try await app.runService()
            } catch {
                throw CommandFailure(exitCode: 1, message: "the relay stopped: \(error)")
            }
        }

        static func address(_ text: String) throws(CommandFailure) -> (String, Int) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                (0...65535).contains(port), colon != text.startIndex
            else { throw .badInput("--listen takes host:port, like 127.0.0.1:8080") }
            return (String(text[..<colon]), port)
        }
    }
}

/// Logs go to stderr: warnings and above unless `--verbose`.
func makeLogger(verbose: Bool) -> Logger {
    var logger = Logger(label: "hutsync") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = verbose ? .debug : .warning
    return logger
}
