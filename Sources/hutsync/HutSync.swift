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
        // Two malloc arenas instead of glibc's eight a core: the threads that decode and verify pages each kept
        // their own freed memory, so a node catching up peaked 5–13 MiB higher, by chance (P7 in docs/performance.md).
        #if os(Linux)
            _ = glibcMallopt(-8 /* M_ARENA_MAX */, 2)
        #endif
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

#if os(Linux)
    /// glibc's `mallopt` (declared in <malloc.h>, which the Glibc module does not include).
    @_silgen_name("mallopt")
    private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
