import ArgumentParser

/// The `hutsync` executable: argument parsing only; the work lives in the library targets.
@main
struct HutSync: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hutsync",
        abstract: "Offline-first shift bookings for huts and farmhouses.",
        discussion: """
            Relay and node commands arrive with their issues; this build has the wire-format tools: keys, \
            change-set inspection, booking codes and the protocol's test vectors.
            """,
        subcommands: [KeyCommand.self, WireCommand.self]
    )
}
