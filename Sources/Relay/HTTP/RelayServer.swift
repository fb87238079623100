package import Hummingbird
package import Logging
package import Store
package import Wire

/// Builds the relay's HTTP application over an opened relay folder. `relay serve` runs it; tests drive it through
/// Hummingbird's test client.
package enum RelayServer {
    package static func build(
        store: ReplicaStore, relayKey: SigningKey, host: String = "127.0.0.1", port: Int = 8080,
        clock: @escaping @Sendable () -> UTCTime = { UTCTime.now() }, logger: Logger = Logger(label: "hutsync.relay"),
        metrics: RelayMetrics? = nil, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let sequencer = try Sequencer(store: store, clock: clock, metrics: metrics)
        let router = Router()
        router.add(middleware: RelayMiddleware(clock: clock, metrics: metrics))
        RelayRoutes(
            sequencer: sequencer, store: store, relayKey: relayKey,
            authenticator: RequestAuthenticator(store: store, clock: clock), metrics: metrics
        ).register(on: router)
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "hutsync-relay"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }
}
