import ArgumentParser
import Foundation
import Hummingbird
import Relay
import Store
import SyncNode
import Wire

#if canImport(Glibc)
    import Glibc
#endif

/// `hutsync demo`: a relay, an admin node and an owner node on loopback, with two sample properties, prices and a few
/// bookings; the relay and the owner's `node serve` keep running until SIGINT/SIGTERM. A second run reuses the folder.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run a small network on this machine: a relay and two nodes with sample data.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The relay's port (default 8080 when free, else a free one).") var relayPort: Int?
    @Option(help: "The owner node's port (default 8090 when free, else a free one).") var nodePort: Int?

    func run() async throws {
        let base = global.data ?? ProcessInfo.processInfo.environment["HUTSYNC_DATA"] ?? "hutsync-demo"
        let relayFolder = RelayFolder(path: base + "/relay")
        let fresh = !FileManager.default.fileExists(atPath: relayFolder.storePath)
        do {
            if fresh {
                _ = try relayFolder.initialize(
                    payee: PaymentAccount(method: "easypaisa", account: "03001234567", title: "HutSync Demo"),
                    now: UTCTime.now())
            }
            let (relayKey, relayStore) = try relayFolder.open()
            let logger = makeLogger(verbose: global.verbose)
            let relayStarted = AsyncStream.makeStream(of: Int.self)
            let relayApp = try RelayServer.build(
                store: relayStore, relayKey: relayKey, port: relayPort ?? Self.freeOr(8080), logger: logger,
                metrics: RelayMetrics(), onRunning: { relayStarted.continuation.yield($0) })
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await relayApp.runService() }
                var ports = relayStarted.stream.makeAsyncIterator()
                guard let port = await ports.next() else { return }
                let relayURL = "http://127.0.0.1:\(port)"
                let owner = NodeFolder(path: base + "/owner")
                if !FileManager.default.fileExists(atPath: owner.storePath) {
                    try await Demo.setUp(base: base, relay: URL(string: relayURL)!, adminKey: relayFolder.adminKeyPath)
                } else {
                    // Reused: the relay may be on another port this time.
                    for name in ["admin", "owner"] {
                        try NodeFolder(path: base + "/" + name).open().store.setMeta(["relay_url": relayURL])
                    }
                }
                let nodeStarted = AsyncStream.makeStream(of: Int.self)
                let nodeApp = NodeServer.build(
                    folder: owner, host: "127.0.0.1", port: nodePort ?? Self.freeOr(8090), logger: logger,
                    onRunning: { nodeStarted.continuation.yield($0) })
                group.addTask { try await nodeApp.runService() }
                var nodePorts = nodeStarted.stream.makeAsyncIterator()
                guard let nodePortNumber = await nodePorts.next() else { return }
                Demo.printGuide(base: base, relay: relayURL, node: "http://127.0.0.1:\(nodePortNumber)", fresh: fresh)
                try await group.waitForAll()
            }
        } catch let error as SyncError {
            writeStandardError("hutsync: \(error.message)\n")
            throw ExitCode(error.exitCode)
        } catch let error as RelayError {
            writeStandardError("hutsync: \(error.message)\n")
            throw ExitCode(1)
        }
    }

    /// `port` when nothing listens on it, else 0 (a free one).
    static func freeOr(_ port: Int) -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return 0 }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return bound == 0 ? port : 0
    }
}
