import ArgumentParser
import Store
import SyncNode
import Wire

/// Lifecycle commands: each changes one booking by its code and prints the booking object.
struct ConfirmCommand: AsyncResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm", abstract: "Confirm a booking (the money arrived).")
    @OptionGroup var global: GlobalOptions
    @Argument var code: String
    @Flag(help: "Confirm although the proof's transaction id was already used (recorded).") var acceptDuplicate = false

    func execute() async throws(SyncError) -> JSONValue {
        try NodeCommand.folder(global).change(code: code) {
            .bookingConfirm(BookingConfirm(bookingID: $0.id, acceptDuplicate: acceptDuplicate))
        }
    }
}

struct RejectCommand: AsyncResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject", abstract: "Reject a payment proof (back to Pending).")
    @OptionGroup var global: GlobalOptions
    @Argument var code: String
    @Option var reason: String

    func execute() async throws(SyncError) -> JSONValue {
        let reason = try Reason.required(reason)
        return try NodeCommand.folder(global).change(code: code) {
            .bookingRejectPayment(BookingRejectPayment(bookingID: $0.id, reason: reason))
        }
    }
}

struct CancelCommand: AsyncResultCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a booking.")
    @OptionGroup var global: GlobalOptions
    @Argument var code: String
    @Option var reason: String

    func execute() async throws(SyncError) -> JSONValue {
        let reason = try Reason.required(reason)
        return try NodeCommand.folder(global).change(code: code) {
            .bookingCancel(BookingCancel(bookingID: $0.id, reason: reason))
        }
    }
}

struct CompleteCommand: AsyncResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "complete", abstract: "Mark a stay completed (after its shift).")
    @OptionGroup var global: GlobalOptions
    @Argument var code: String

    func execute() async throws(SyncError) -> JSONValue {
        try NodeCommand.folder(global).change(code: code) { .bookingComplete(BookingComplete(bookingID: $0.id)) }
    }
}

struct ReinstateCommand: AsyncResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "reinstate",
        abstract: "Reinstate a Conflicted booking once its slot is free (Confirmed with --paid).")
    @OptionGroup var global: GlobalOptions
    @Argument var code: String
    @Flag var paid = false

    func execute() async throws(SyncError) -> JSONValue {
        try NodeCommand.folder(global).change(code: code) {
            .bookingReinstate(BookingReinstate(bookingID: $0.id, status: paid ? "Confirmed" : "Pending"))
        }
    }
}

struct PaymentCommand: AsyncResultCommand {
    static let configuration = CommandConfiguration(commandName: "payment", abstract: "Record a typed payment proof.")
    @OptionGroup var global: GlobalOptions
    @Argument var code: String
    @Option var transactionId: String
    @Option var amount: Int
    @Option(help: "easypaisa, jazzcash or bank (default: the payee's).") var method: String?

    func execute() async throws(SyncError) -> JSONValue {
        guard !transactionId.trimmingWhitespace().isEmpty else {
            throw SyncError(.badInput, "--transaction-id must not be empty")
        }
        guard amount >= 0 else { throw SyncError(.badInput, "--amount must be whole rupees, 0 or more") }
        if let method, !["easypaisa", "jazzcash", "bank"].contains(method) {
            throw SyncError(.badInput, "--method must be easypaisa, jazzcash or bank")
        }
        return try NodeCommand.folder(global).recordPayment(
            code: code, transactionID: CanonicalJSON.nfc(transactionId.trimmingWhitespace()), amount: amount,
            method: method)
    }
}

enum Reason {
    static func required(_ text: String) throws(SyncError) -> String {
        let reason = text.trimmingWhitespace()
        guard !reason.isEmpty else { throw SyncError(.badInput, "--reason must not be empty") }
        return CanonicalJSON.nfc(reason)
    }
}

struct ConflictsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "Bookings that lost to an earlier one, with alternatives; refused change sets.",
        subcommands: [List.self, Dismiss.self], defaultSubcommand: List.self)

    struct List: AsyncResultCommand {
        static let configuration = CommandConfiguration(abstract: "List them.")
        @OptionGroup var global: GlobalOptions

        func execute() async throws(SyncError) -> JSONValue { try NodeCommand.folder(global).conflictsObject() }
    }

    struct Dismiss: AsyncResultCommand {
        static let configuration = CommandConfiguration(abstract: "Stop listing a conflict (on this node).")
        @OptionGroup var global: GlobalOptions
        @Argument var code: String

        func execute() async throws(SyncError) -> JSONValue {
            let folder = NodeCommand.folder(global)
            let record = try folder.booking(code: code)
            guard record.status == "Conflicted" else { throw SyncError(.badInput, "\(record.code) is not Conflicted") }
            let (_, store) = try folder.open()
            try folder.read { try store.dismissConflict(code: record.code, now: folder.now(store)) }
            return .object([JSONMember("ok", .bool(true))])
        }
    }
}
