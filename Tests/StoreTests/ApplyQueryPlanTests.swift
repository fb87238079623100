import Foundation
import GRDB
import GRDBSQLite
import Store
import TestSupport
import Testing

/// Every statement a node runs while it writes locally, applies pages and settles its outbox looks rows up through
/// an index: a statement that scans the log or the bookings costs time in proportion to the replica's size, on every
/// page — catching up becomes quadratic. (Settling the outbox did exactly that: SQLite's planner scanned the whole
/// log once per page applied.) The check reads SQLite's own query plans, so it holds whatever the data.
@Suite struct ApplyQueryPlanTests {
    static let now = UTCTime("2026-11-25T06:00:00Z")!
    /// Tables small by nature (a node's own pending work, single rows, settings), which a statement may scan.
    static let smallTables: Set<String> = [
        "outbox", "outbox_pricing", "overlay", "overlay_undo", "refusals", "dismissed_conflicts", "local_meta",
        "network_params", "platform_payee", "replica_state",
    ]

    @Test func writingApplyingAndSettlingNeverScanALargeTable() throws {
        var harness = try StoreHarness()
        let property = TestID.uuid(1, kind: 0xB)
        try harness.addProperty(property)
        let traced = TracedStatements()
        harness.store.writer.writeWithoutTransaction { db in
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event { traced.insert(statement.sql) }
            }
        }
        // A local write, then a page of other nodes' bookings, then the local write back from the log, settled.
        _ = try harness.store.write(
            [Catalogue.book(TestID.uuid(1, kind: 1), property: property, date: "2026-12-05", shift: .day)],
            key: harness.ownerA, now: Self.now)
        let others = (2...6).map { number in
            harness.log.entry(
                [
                    Catalogue.book(
                        TestID.uuid(number, kind: 1), property: property, date: "2026-12-0\(number)", shift: .night)
                ],
                by: harness.log.admin)
        }
        try OutboxTests.sequence(&harness, before: others)
        #expect(try harness.store.outboxCounts().pending == 0)
        harness.store.writer.writeWithoutTransaction { db in db.trace(options: .statement, nil) }

        let statements = traced.queries
        #expect(
            statements.contains {
                $0.contains("FROM outbox o") && $0.contains("CROSS JOIN log l ON l.author = o.author")
            })
        #expect(statements.count > 20)
        let scans = try Self.largeTableScans(statements, in: harness.store)
        #expect(scans.isEmpty, "full scans of large tables:\n\(scans.joined(separator: "\n"))")
    }

    /// A store without the query indexes (as the relay's) that applied a random log of 300 entries with every kind
    /// of operation and outcome, the outcomes' kinds, and the statements apply ran.
    static func tracedRandomApply(_ directory: TemporaryDirectory) throws -> (
        store: ReplicaStore, outcomes: Set<String>, statements: [String]
    ) {
        var random = SeededRandom(seed: 7)
        let log = RandomLog.make(entries: 300, random: &random)
        let store = try ReplicaStore(path: directory.file("relay.sqlite"), queryIndexes: false)
        let traced = TracedStatements()
        store.writer.writeWithoutTransaction { db in
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event { traced.insert(statement.sql) }
            }
        }
        let outcomes = Set(try store.apply(log).map(\.outcome.kind))
        store.writer.writeWithoutTransaction { db in db.trace(options: .statement, nil) }
        return (store, outcomes, traced.queries)
    }

    /// The relay's store has no query indexes (`QueryIndexes`): apply alone, over a log with every kind of
    /// operation and outcome, still finds its rows through an index.
    @Test func applyingWithoutTheQueryIndexesNeverScansALargeTable() throws {
        let directory = TemporaryDirectory()
        let (store, outcomes, statements) = try Self.tracedRandomApply(directory)
        #expect(outcomes == ["applied", "conflicted", "rejected"])
        #expect(statements.count > 20)
        let scans = try Self.largeTableScans(statements, in: store)
        #expect(scans.isEmpty, "full scans of large tables:\n\(scans.joined(separator: "\n"))")
    }

    /// A CHECK constraint on a list of more than two values (`status IN ('Pending', …)`) makes SQLite 3.40 fill a
    /// temporary b-tree with the list on every execution of a statement that writes the column: about 3 µs a booking,
    /// a tenth of applying it. No statement apply runs builds one (v11 wrote those constraints with `OR`), apart from
    /// `RETURNING`, which collects its rows in one.
    @Test func applyBuildsNoTemporaryTables() throws {
        let directory = TemporaryDirectory()
        let (store, _, traced) = try Self.tracedRandomApply(directory)
        let statements = traced.filter { !$0.contains("RETURNING") }
        #expect(statements.contains { $0.hasPrefix("INSERT INTO bookings") })
        #expect(statements.contains { $0.hasPrefix("UPDATE bookings SET status") })
        #expect(statements.contains { $0.hasPrefix("INSERT INTO keys") })
        // On the writer's connection: a read-only one compiles CHECK constraints out (they are never run there).
        let building = try store.writer.writeWithoutTransaction { db in
            try statements.filter { sql in try Self.opcodes(sql, db).contains("OpenEphemeral") }
        }
        #expect(building.isEmpty, "statements that build a temporary b-tree:\n\(building.joined(separator: "\n"))")
    }

    /// Each statement whose query plan scans a table other than the small ones, with its plan line.
    static func largeTableScans(_ statements: [String], in store: ReplicaStore) throws -> [String] {
        var scans: [String] = []
        try store.writer.read { db in
            for sql in statements {
                let statement = try db.makeStatement(sql: "EXPLAIN QUERY PLAN " + sql)
                let nulls = StatementArguments(Array(repeating: DatabaseValue.null, count: Self.parameterCount(sql)))
                let details = try Row.fetchAll(statement, arguments: nulls).map { $0["detail"] as String }
                let aliases = Self.aliases(in: sql)
                for detail in details where detail.hasPrefix("SCAN ") && detail != "SCAN CONSTANT ROW" {
                    let name = String(detail.dropFirst(5).prefix { $0 != " " })
                    if !Self.smallTables.contains(aliases[name] ?? name) { scans.append("\(detail)  in  \(sql)") }
                }
            }
        }
        return scans
    }

    /// The opcodes of `sql`'s program, as SQLite prepares it with no value bound.
    static func opcodes(_ sql: String, _ db: Database) throws -> [String] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db.sqliteConnection, "EXPLAIN " + sql, -1, &statement, nil) == SQLITE_OK else {
            throw DatabaseError(message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
        }
        defer { sqlite3_finalize(statement) }
        var opcodes: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            opcodes.append(String(cString: sqlite3_column_text(statement, 1)))
        }
        return opcodes
    }

    /// The `?` placeholders of a statement (the traced text has them unexpanded; none of ours has `?` in a literal).
    static func parameterCount(_ sql: String) -> Int { sql.filter { $0 == "?" }.count }

    /// `alias -> table` for `FROM t a`, `JOIN t AS a` and the like.
    static func aliases(in sql: String) -> [String: String] {
        let pattern = try! NSRegularExpression(
            pattern: #"\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?"#, options: [.caseInsensitive])
        var result: [String: String] = [:]
        let text = sql as NSString
        for match in pattern.matches(in: sql, range: NSRange(location: 0, length: text.length)) {
            let table = text.substring(with: match.range(at: 1))
            result[table] = table
            if match.range(at: 2).location != NSNotFound {
                let alias = text.substring(with: match.range(at: 2))
                let keywords: Set<String> = [
                    "WHERE", "ON", "JOIN", "LEFT", "CROSS", "INNER", "ORDER", "GROUP", "LIMIT",
                ]
                if !keywords.contains(alias.uppercased()) { result[alias] = table }
            }
        }
        return result
    }
}

/// Statement texts seen by a trace callback (which runs on the writer's queue).
private final class TracedStatements: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: Set<String> = []

    func insert(_ sql: String) { lock.withLock { _ = seen.insert(sql) } }
    var all: [String] { lock.withLock { seen.sorted() } }

    /// The SELECT, INSERT, UPDATE and DELETE statements seen.
    var queries: [String] {
        all.filter { sql in
            let verb = sql.drop(while: \.isWhitespace).prefix(6).uppercased()
            return ["SELECT", "INSERT", "UPDATE", "DELETE"].contains(verb)
        }
    }
}
