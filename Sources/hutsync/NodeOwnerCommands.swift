import ArgumentParser
import Store
import SyncNode
import Wire

/// Parsing shared by the owner's commands.
enum Arguments {
    static func uuid(_ text: String, _ flag: String) throws(SyncError) -> String {
        guard let id = UUIDText.normalise(text) else { throw SyncError(.badInput, "\(flag) must be an id (a UUID)") }
        return id
    }

    static func date(_ text: String) throws(SyncError) -> CalendarDate {
        guard let date = CalendarDate(text) else { throw SyncError(.badInput, "--date must be YYYY-MM-DD") }
        return date
    }

    static func shift(_ text: String) throws(SyncError) -> Shift {
        guard let shift = Shift(parsing: text) else {
            throw SyncError(.badInput, "--shift must be Day, Night, Full Day or Full Night")
        }
        return shift
    }

    static func amount(_ value: Int, _ flag: String) throws(SyncError) -> Int {
        guard value >= 0 else { throw SyncError(.badInput, "\(flag) must be whole rupees, 0 or more") }
        return value
    }

    static func changeSetResult(_ signed: SignedChangeSet) -> JSONValue {
        .object([JSONMember("change_set_id", .string(signed.idHex)), JSONMember("provisional", .bool(true))])
    }
}

struct PropertyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "property", abstract: "Properties.", subcommands: [Add.self])

    struct Add: AsyncResultCommand {
        static let configuration = CommandConfiguration(abstract: "Add a property (a farm or a hut).")
        @OptionGroup var global: GlobalOptions
        @Option var name: String
        @Option(help: "farm or hut.") var type: String
        @Option var city: String
        @Option var address: String
        @Option var maxGuests: Int
        @Option(help: "The part paid up front, 0–100.") var advancePercent: Int
        @Option(help: "The owner (default: this node's owner; required on an admin node).") var owner: String?
        @Option(help: "How long an unpaid booking holds its slot (1–1440, default 30).") var holdMinutes = 30
        @Option var description: String?
        @Option var contactPhone: String?
        @Option var province = "Sindh"
        @Option var country = "Pakistan"

        func execute() async throws(SyncError) -> JSONValue {
            let folder = NodeCommand.folder(global)
            let (key, store) = try folder.open()
            let enrolled = try folder.read { try store.enrolment(of: key.publicKey) }
            guard
                let ownerID = try owner.map({ (text: String) throws(SyncError) in try Arguments.uuid(text, "--owner") })
                    ?? enrolled?.ownerID
            else { throw SyncError(.badInput, "--owner OWNER_ID is required on a node that is not an owner's") }
            guard ["farm", "hut"].contains(type) else { throw SyncError(.badInput, "--type must be farm or hut") }
            guard (1...10_000).contains(maxGuests) else {
                throw SyncError(.badInput, "--max-guests must be 1 to 10000")
            }
            guard (0...100).contains(advancePercent) else {
                throw SyncError(.badInput, "--advance-percent must be 0 to 100")
            }
            guard (1...1440).contains(holdMinutes) else {
                throw SyncError(.badInput, "--hold-minutes must be 1 to 1440")
            }
            let phone = try contactPhone.map { (text: String) throws(SyncError) -> String in
                guard let phone = Phone.normalise(text) else {
                    throw SyncError(.badInput, "--contact-phone is not a phone number")
                }
                return phone
            }
            let id = UUIDText.timeOrdered()
            let put = PropertyPut(
                propertyID: id, ownerID: ownerID, name: CanonicalJSON.nfc(name), type: type,
                city: CanonicalJSON.nfc(city),
                province: CanonicalJSON.nfc(province), country: CanonicalJSON.nfc(country),
                address: CanonicalJSON.nfc(address), description: description.map { CanonicalJSON.nfc($0) },
                maxGuests: maxGuests, contactPhone: phone, advancePercent: advancePercent, holdMinutes: holdMinutes)
            _ = try folder.write([.propertyPut(put)])
            return .object([JSONMember("property_id", .string(id))])
        }
    }
}

struct PropertiesCommand: AsyncResultCommand {
    static let configuration = CommandConfiguration(commandName: "properties", abstract: "List the properties.")
    @OptionGroup var global: GlobalOptions

    func execute() async throws(SyncError) -> JSONValue {
        let folder = NodeCommand.folder(global)
        let (_, store) = try folder.open()
        return .object([
            JSONMember("properties", .array(try folder.read { try store.localProperties(now: folder.now(store)) }))
        ])
    }
}

struct PriceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "price", abstract: "Weekly prices and date overrides.", subcommands: [Set.self, Override.self])

    struct Set: AsyncResultCommand {
        static let configuration = CommandConfiguration(abstract: "Set the weekly price of a shift.")
        @OptionGroup var global: GlobalOptions
        @Option var property: String
        @Option var shift: String
        @Option var amount: Int
        @Option(help: "mon … sun, or all.") var weekday = "all"

        func execute() async throws(SyncError) -> JSONValue {
            let days = weekday == "all" ? Weekday.allCases : (Weekday(rawValue: weekday).map { [$0] } ?? [])
            guard !days.isEmpty else { throw SyncError(.badInput, "--weekday must be mon … sun or all") }
            let shift = try Arguments.shift(shift)
            let amount = try Arguments.amount(amount, "--amount")
            let prices = PropertyPrices(
                propertyID: try Arguments.uuid(property, "--property"),
                prices: days.map { WeeklyPrice(weekday: $0.rawValue, shift: shift.name, amount: amount) })
            return Arguments.changeSetResult(try NodeCommand.folder(global).write([.propertyPrices(prices)]).0)
        }
    }

    struct Override: AsyncResultCommand {
        static let configuration = CommandConfiguration(abstract: "Set the price of a shift on one date.")
        @OptionGroup var global: GlobalOptions
        @Option var property: String
        @Option var date: String
        @Option var shift: String
        @Option var amount: Int

        func execute() async throws(SyncError) -> JSONValue {
            let override = PropertyPriceOverride(
                propertyID: try Arguments.uuid(property, "--property"),
                overrides: [
                    DatePrice(
                        date: try Arguments.date(date).description, shift: try Arguments.shift(shift).name,
                        amount: try Arguments.amount(amount, "--amount"))
                ])
            return Arguments.changeSetResult(try NodeCommand.folder(global).write([.propertyPriceOverride(override)]).0)
        }
    }
}

struct BlockCommand: AsyncResultCommand {
    static let configuration = CommandConfiguration(commandName: "block", abstract: "Block a shift of a property.")
    @OptionGroup var global: GlobalOptions
    @Option var property: String
    @Option var date: String
    @Option var shift: String
    @Option var reason: String?

    func execute() async throws(SyncError) -> JSONValue {
        let id = UUIDText.timeOrdered()
        let block = SlotBlock(
            blockID: id, propertyID: try Arguments.uuid(property, "--property"),
            date: try Arguments.date(date).description,
            shift: try Arguments.shift(shift).name, reason: reason.map { CanonicalJSON.nfc($0) })
        _ = try NodeCommand.folder(global).write([.slotBlock(block)])
        return .object([JSONMember("block_id", .string(id))])
    }
}

struct UnblockCommand: AsyncResultCommand {
    static let configuration = CommandConfiguration(commandName: "unblock", abstract: "Remove a block.")
    @OptionGroup var global: GlobalOptions
    @Option var block: String

    func execute() async throws(SyncError) -> JSONValue {
        let unblock = SlotUnblock(blockID: try Arguments.uuid(block, "--block"))
        return Arguments.changeSetResult(try NodeCommand.folder(global).write([.slotUnblock(unblock)]).0)
    }
}

struct AvailabilityCommand: AsyncResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "availability", abstract: "The shift grid of a property.")
    @OptionGroup var global: GlobalOptions
    @Option var property: String
    @Option var date: String
    @Option var days = 1

    func execute() async throws(SyncError) -> JSONValue {
        guard (1...366).contains(days) else { throw SyncError(.badInput, "--days must be 1 to 366") }
        return try NodeCommand.folder(global).availabilityObject(
            propertyID: try Arguments.uuid(property, "--property"), from: try Arguments.date(date), days: days)
    }
}

struct BookCommand: AsyncResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "book", abstract: "Record a walk-in or phone booking (confirmed with --paid).")
    @OptionGroup var global: GlobalOptions
    @Option var property: String
    @Option var date: String
    @Option var shift: String
    @Option var name: String
    @Option var phone: String
    @Option var cnic: String?
    @Option var guests: Int?
    @Flag(help: "Paid on the spot: Confirmed.") var paid = false
    @Option(help: "A negotiated amount instead of the price table's.") var amount: Int?
    @Option(help: "walk_in or phone (default walk_in with --paid, else phone).") var source: String?

    func execute() async throws(SyncError) -> JSONValue {
        guard source.map({ ["walk_in", "phone"].contains($0) }) ?? true else {
            throw SyncError(.badInput, "--source must be walk_in or phone")
        }
        guard !name.trimmingWhitespace().isEmpty else { throw SyncError(.badInput, "--name must not be empty") }
        let request = BookingRequest(
            propertyID: try Arguments.uuid(property, "--property"), date: try Arguments.date(date),
            shift: try Arguments.shift(shift), name: name.trimmingWhitespace(), phone: phone, cnic: cnic,
            guests: guests,
            paid: paid,
            amount: try amount.map { (value: Int) throws(SyncError) in try Arguments.amount(value, "--amount") },
            source: source)
        let record = try NodeCommand.folder(global).book(request)
        return .object([
            JSONMember("id", .string(record.id)), JSONMember("code", .string(record.code)),
            JSONMember("status", .string(record.status)), JSONMember("amount", .int(record.amount)),
            JSONMember("advance", .int(record.advance)), JSONMember("provisional", .bool(record.provisional)),
        ])
    }
}

struct BookingsCommand: AsyncResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "bookings", abstract: "List bookings by date and shift.")
    @OptionGroup var global: GlobalOptions
    @Option var property: String?
    @Option var status: String?
    @Option var from: String?
    @Option var to: String?
    @Option var limit: Int?

    func execute() async throws(SyncError) -> JSONValue {
        let statuses = ["Pending", "Waiting", "Confirmed", "Completed", "Cancelled", "Expired", "Conflicted"]
        let status = try status.map { (text: String) throws(SyncError) -> String in
            guard let match = statuses.first(where: { $0.lowercased() == text.lowercased() }) else {
                throw SyncError(.badInput, "--status must be one of \(statuses.joined(separator: ", "))")
            }
            return match
        }
        let folder = NodeCommand.folder(global)
        let (key, store) = try folder.open()
        let now = folder.now(store)
        let records = try folder.read {
            try store.localBookings(
                propertyID: try property.map { (text: String) throws(SyncError) in
                    try Arguments.uuid(text, "--property")
                },
                status: status,
                from: try from.map { (text: String) throws(SyncError) in try Arguments.date(text).description },
                to: try to.map { (text: String) throws(SyncError) in try Arguments.date(text).description },
                limit: limit, now: now)
        }
        return .object([
            JSONMember("bookings", .array(records.map { folder.bookingObject($0, store: store, key: key, now: now) }))
        ])
    }
}

struct BookingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "booking", abstract: "One booking.", subcommands: [Show.self])

    struct Show: AsyncResultCommand {
        static let configuration = CommandConfiguration(abstract: "Show a booking by its code.")
        @OptionGroup var global: GlobalOptions
        @Argument var code: String

        func execute() async throws(SyncError) -> JSONValue {
            let canonical: String
            do { canonical = try BookingCode.parse(code) } catch { throw SyncError(.badInput, error.message) }
            let folder = NodeCommand.folder(global)
            let (key, store) = try folder.open()
            let now = folder.now(store)
            guard let record = try folder.read({ try store.localBookings(code: canonical, now: now).first }) else {
                throw SyncError(.badInput, "no booking has the code \(canonical)")
            }
            return folder.bookingObject(record, store: store, key: key, now: now)
        }
    }
}

struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "An iCalendar (RFC 5545) feed of a property's bookings and blocks.")
    @OptionGroup var global: GlobalOptions
    @Option var property: String

    func run() async throws {
        do {
            let feed = try NodeCommand.folder(global).calendar(propertyID: try Arguments.uuid(property, "--property"))
            if global.json {
                printResult(.object([JSONMember("calendar", .string(feed))]), json: true)
            } else {
                print(feed, terminator: "")
            }
        } catch {
            writeStandardError("hutsync: \(error.message)\n")
            throw ExitCode(error.exitCode)
        }
    }
}
