import ArgumentParser

/// The `hutsync` executable: argument parsing only; the work lives in the library targets.
@main
struct HutSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hutsync",
        abstract: "Offline-first shift bookings for huts and farmhouses.",
        discussion: """
            This build has the relay (init, serve) and the wire-format tools: keys, change-set inspection, booking \
            codes and the protocol's test vectors. Node commands arrive with their issues.
            """,
        subcommands: [
            DemoCommand.self, RelayCommand.self, NodeCommand.self, KeyCommand.self, WireCommand.self, BenchCommand.self,
        ]
    )
}
