import ArgumentParser
import SyncNode
import Wire

/// Admin writes: owners and keys. Each command writes exactly one change set.
struct OwnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "owner", abstract: "Owners (admin).", subcommands: [Add.self])

    struct Add: AsyncResultCommand {
        static let configuration = CommandConfiguration(abstract: "Add an owner.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The owner's name.") var name: String
        @Option(help: "The owner's phone (03001234567, +92 300 1234567, or another country's +E.164).") var phone:
            String
        @Option(help: "Payment method: easypaisa, jazzcash or bank.") var paymentMethod: String?
        @Option(help: "Payment account number.") var paymentAccount: String?
        @Option(help: "Payment account title.") var paymentTitle: String?

        func execute() async throws(SyncError) -> JSONValue {
            let name = CanonicalJSON.nfc(name.trimmingWhitespace())
            guard !name.isEmpty else { throw SyncError(.badInput, "--name must not be empty") }
            guard let phone = Phone.normalise(phone) else {
                throw SyncError(.badInput, "--phone is not a phone number (like 03001234567 or +92 300 1234567)")
            }
            let ownerID = UUIDText.timeOrdered()
            let owner = OwnerPut(ownerID: ownerID, name: name, phone: phone, payment: try payment())
            _ = try NodeCommand.folder(global).write([.ownerPut(owner)])
            return .object([JSONMember("owner_id", .string(ownerID))])
        }

        private func payment() throws(SyncError) -> PaymentAccount? {
            let given = [paymentMethod, paymentAccount, paymentTitle].compactMap { $0 }
            guard !given.isEmpty else { return nil }
            guard let paymentMethod, let paymentAccount, let paymentTitle else {
                throw SyncError(.badInput, "--payment-method, --payment-account and --payment-title go together")
            }
            guard ["easypaisa", "jazzcash", "bank"].contains(paymentMethod) else {
                throw SyncError(.badInput, "--payment-method must be easypaisa, jazzcash or bank")
            }
            return PaymentAccount(
                method: paymentMethod, account: CanonicalJSON.nfc(paymentAccount),
                title: CanonicalJSON.nfc(paymentTitle))
        }
    }
}

struct NodeKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Grant and revoke keys (admin).", subcommands: [Grant.self, Revoke.self])

    struct Grant: AsyncResultCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant a key a role; an owner key names its owner (which may still be in this node's outbox).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The key's public key, 64 hex characters.") var publicKey: String
        @Option(help: "owner, reviewer or admin.") var role: String
        @Option(help: "The owner id, for role owner.") var owner: String?
        @Option(help: "A label for the key.") var label: String?

        func execute() async throws(SyncError) -> JSONValue {
            guard let key = try? PublicKey(hex: publicKey.lowercased()) else {
                throw SyncError(.badInput, "--public-key must be 64 hex characters")
            }
            guard ["owner", "reviewer", "admin"].contains(role) else {
                throw SyncError(.badInput, "--role must be owner, reviewer or admin")
            }
            let ownerID = try owner.map { (text: String) throws(SyncError) -> String in
                guard let id = UUIDText.normalise(text) else {
                    throw SyncError(.badInput, "--owner must be an owner id (a UUID)")
                }
                return id
            }
            if role == "owner", ownerID == nil { throw SyncError(.badInput, "--role owner needs --owner OWNER_ID") }
            if role != "owner", ownerID != nil { throw SyncError(.badInput, "--owner goes only with --role owner") }
            let grant = KeyGrant(
                publicKey: key.hex, role: role, ownerID: ownerID, label: label.map { CanonicalJSON.nfc($0) })
            let (signed, _) = try NodeCommand.folder(global).write([.keyGrant(grant)])
            return .object([JSONMember("change_set_id", .string(signed.idHex)), JSONMember("provisional", .bool(true))])
        }
    }

    struct Revoke: AsyncResultCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key from the next entry on.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The key's public key, 64 hex characters.") var publicKey: String

        func execute() async throws(SyncError) -> JSONValue {
            guard let key = try? PublicKey(hex: publicKey.lowercased()) else {
                throw SyncError(.badInput, "--public-key must be 64 hex characters")
            }
            let (signed, _) = try NodeCommand.folder(global).write([.keyRevoke(KeyRevoke(publicKey: key.hex))])
            return .object([JSONMember("change_set_id", .string(signed.idHex)), JSONMember("provisional", .bool(true))])
        }
    }
}
