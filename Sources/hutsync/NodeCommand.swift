import ArgumentParser
import Foundation
import Hummingbird
import Store
import SyncNode
import Wire

#if canImport(Glibc)
    import Glibc
#endif

struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node", abstract: "A node: a full replica of the network, synced with the relay.",
        subcommands: [
            Init.self, Status.self, Sync.self, Verify.self, Rebuild.self, Outbox.self, OwnerCommand.self,
            NodeKeyCommand.self, PropertyCommand.self, PropertiesCommand.self, PriceCommand.self, BlockCommand.self,
            UnblockCommand.self, AvailabilityCommand.self, BookCommand.self, BookingsCommand.self, BookingCommand.self,
            ConfirmCommand.self, RejectCommand.self, CancelCommand.self, CompleteCommand.self, ReinstateCommand.self,
            PaymentCommand.self, ConflictsCommand.self, CalendarCommand.self, ServeCommand.self,
        ])

    /// `--data`, else `$HUTSYNC_DATA`, else `./hutsync-node`.
    static func folder(_ global: GlobalOptions) -> NodeFolder {
        NodeFolder(path: global.data ?? ProcessInfo.processInfo.environment["HUTSYNC_DATA"] ?? "hutsync-node")
    }

    struct Init: AsyncResultCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Create a node: a new key (or --key FILE), the genesis fetched and checked, and with --key the log.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The relay's base URL.") var relay: String
        @Option(help: "The genesis hash the operator gave you; refused if the relay's differs.") var genesisHash:
            String?
        @Option(help: "Import this key file (e.g. admin.key) instead of making a new key.") var key: String?
        @Flag(help: "Accept a plain http:// relay that is not on this machine.") var insecure = false

        func execute() async throws(SyncError) -> JSONValue {
            guard let url = URL(string: relay) else { throw SyncError(.badInput, "--relay must be a URL") }
            let folder = NodeCommand.folder(global)
            let created = try await folder.initialize(
                relay: url, genesisHash: genesisHash, importing: key, insecure: insecure,
                transport: { HTTPRelayTransport(base: url, key: $0) })
            if !global.json, genesisHash == nil {
                writeStandardError(
                    "genesis hash \(Hex.encode(created.genesisHash)): compare it with the one your relay operator gave you.\n"
                )
            }
            return .object([
                JSONMember("public_key", .string(created.publicKey.hex)),
                JSONMember("genesis_hash", .string(Hex.encode(created.genesisHash))),
                JSONMember("applied_seq", .int(created.appliedSeq)),
            ])
        }
    }

    struct Status: AsyncResultCommand {
        static let configuration = CommandConfiguration(abstract: "Where this node stands (never needs the relay).")
        @OptionGroup var global: GlobalOptions

        func execute() async throws(SyncError) -> JSONValue { try NodeCommand.folder(global).statusObject() }
    }

    struct Sync: AsyncResultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pull everything the relay has, verify it entry by entry, and apply it.")
        @OptionGroup var global: GlobalOptions

        func execute() async throws(SyncError) -> JSONValue {
            let folder = NodeCommand.folder(global)
            let (key, store) = try folder.open()
            let before = (try? store.position().appliedSeq) ?? 0
            let result: NodeSync.Result
            do {
                let bar = ProgressLine(enabled: !global.json && isatty(STDERR_FILENO) == 1, start: before)
                result = try await folder.syncOnce(progress: bar.update)
                bar.finish()
            } catch {
                if error.kind == .notEnrolled, error.message.contains("not enrolled") {
                    throw SyncError(
                        .notEnrolled,
                        "\(error.message). Ask an admin to run `hutsync node key grant --public-key \(key.publicKey.hex) "
                            + "--role owner --owner OWNER_ID` and sync their node, then sync again")
                }
                throw error
            }
            if result.resigned > 0 {
                writeStandardError(
                    "re-signed \(result.resigned) change sets whose counters were already taken in the log "
                        + "(restored from a backup, or this key in use on another node)\n")
            }
            if let text = try? store.meta("clock_offset_s"), let offset = Int(text), abs(offset) > 120 {
                writeStandardError(
                    "warning: this computer's clock is \(offset) seconds off the relay's; please correct it\n")
            }
            return .object([
                JSONMember("pushed", .int(result.pushed)), JSONMember("pulled", .int(result.pulled)),
                JSONMember("applied_seq", .int((try? store.position().appliedSeq) ?? before)),
                JSONMember("conflicts", .int((try? store.conflictCount(for: key.publicKey)) ?? 0)),
            ])
        }
    }

    struct Outbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "This node's change sets not yet applied from the log.", subcommands: [List.self, Drop.self],
            defaultSubcommand: List.self)

        struct List: AsyncResultCommand {
            static let configuration = CommandConfiguration(abstract: "List them, with door refusals.")
            @OptionGroup var global: GlobalOptions

            func execute() async throws(SyncError) -> JSONValue {
                let (_, store) = try NodeCommand.folder(global).open()
                do {
                    let items = try store.outboxListing().map { item -> JSONValue in
                        .object([
                            JSONMember("id", .string(item.id)), JSONMember("counter", .int(item.counter)),
                            JSONMember("operations", .array(item.operations.map { .string($0) })),
                            JSONMember("acknowledged_seq", item.acknowledgedSeq.map { .int($0) } ?? .null),
                            JSONMember("refusal", item.refusal.map { .string($0) } ?? .null),
                        ])
                    }
                    return .object([JSONMember("outbox", .array(items))])
                } catch {
                    throw SyncError(.badInput, "cannot read the outbox: \(error)")
                }
            }
        }

        struct Drop: AsyncResultCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Drop a change set refused at the door (recorded in the refusals list); later ones are re-signed.")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "The change set's id (or a unique prefix of it).") var id: String
            @Flag(help: "Confirm: the change set is dropped for good.") var yes = false

            func execute() async throws(SyncError) -> JSONValue {
                guard yes else {
                    throw SyncError(.badInput, "dropping \(id) cannot be undone: run again with --yes to confirm")
                }
                let (key, store) = try NodeCommand.folder(global).open()
                do {
                    let (reason, resigned) = try store.dropFromOutbox(idPrefix: id, key: key, now: UTCTime.now())
                    return .object([
                        JSONMember("dropped", .string(id)), JSONMember("reason", .string(reason)),
                        JSONMember("resigned", .int(resigned)),
                    ])
                } catch let rejection as Rejection {
                    let text =
                        [
                            "outbox.unknown": "no change set in the outbox has an id starting \(id)",
                            "outbox.ambiguous": "several change sets have ids starting \(id): give more of it",
                            "outbox.not_refused":
                                "\(id) was not refused at the door: only refused change sets can be dropped",
                        ][rejection.reason.rawValue] ?? rejection.reason.rawValue
                    throw SyncError(.badInput, text)
                } catch {
                    throw SyncError(.badInput, "cannot drop: \(error)")
                }
            }
        }
    }

    struct Verify: AsyncResultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the state digest from scratch and compare.")
        @OptionGroup var global: GlobalOptions

        func execute() async throws(SyncError) -> JSONValue {
            let position = try NodeCommand.folder(global).verify()
            return .object([
                JSONMember("applied_seq", .int(position.appliedSeq)),
                JSONMember("digest", .string(Hex.encode(position.digest))), JSONMember("ok", .bool(true)),
            ])
        }
    }

    struct Rebuild: AsyncResultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay this node's log into a fresh store (the way back after a bug is fixed).")
        @OptionGroup var global: GlobalOptions

        func execute() async throws(SyncError) -> JSONValue {
            let position = try NodeCommand.folder(global).rebuild()
            return .object([
                JSONMember("applied_seq", .int(position.appliedSeq)),
                JSONMember("digest", .string(Hex.encode(position.digest))),
            ])
        }
    }
}

/// Like ``ResultCommand``, for commands that await (the node's network work).
protocol AsyncResultCommand: AsyncParsableCommand {
    var global: GlobalOptions { get }
    func execute() async throws(SyncError) -> JSONValue
}

extension AsyncResultCommand {
    func run() async throws {
        let result: JSONValue
        do {
            result = try await execute()
        } catch {
            writeStandardError("hutsync: \(error.message)\n")
            throw ExitCode(error.exitCode)
        }
        printResult(result, json: global.json)
    }
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Sync in the background and serve the local JSON API until SIGINT/SIGTERM.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Address to listen on (host:port; port 0 picks a free one).") var listen = "127.0.0.1:8090"

    func run() async throws {
        let host: String
        let port: Int
        do {
            (host, port) = try RelayCommand.Serve.address(listen)
        } catch {
            writeStandardError("hutsync: \(error.message)\n")
            throw ExitCode(error.exitCode)
        }
        let folder = NodeCommand.folder(global)
        do { _ = try folder.open() } catch {
            writeStandardError("hutsync: \(error.message)\n")
            throw ExitCode(error.exitCode)
        }
        let json = global.json
        let app = NodeServer.build(
            folder: folder, host: host, port: port, logger: makeLogger(verbose: global.verbose),
            onRunning: { port in
                let url = "http://\(host):\(port)"
                print(json ? #"{"listening":"\#(url)"}"# : "listening on \(url)")
                fflush(nil)
            })
        try await app.runService()
    }
}
