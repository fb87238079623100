import ArgumentParser

/// The `hutsync` executable: argument parsing only; the work lives in the library targets.
@main
struct HutSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hutsync",
        abstract: "Offline-first shift bookings for huts and farmhouses.",
        discussion: """
            A relay orders everyone's signed change sets; every node keeps a full replica, works offline and syncs \
            with it. `hutsync demo` starts a small network on this machine.
            """,
        subcommands: [
            DemoCommand.self, RelayCommand.self, NodeCommand.self, KeyCommand.self, WireCommand.self, BenchCommand.self,
        ]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
