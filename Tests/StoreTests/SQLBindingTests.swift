import Foundation
import GRDB
import Store
import TestSupport
import Testing

/// Apply's arguments are bound straight through `sqlite3_bind_*` (`SQLArguments`): each kind of value reaches SQLite
/// as the same type and bytes GRDB's own binding gives it.
@Suite struct SQLBindingTests {
    private func bound(_ argument: (any SQLBindable)?, in store: ReplicaStore) throws -> (type: String, hex: String) {
        try store.writer.read { db in
            try db.firstRow(sql: "SELECT typeof(?1), hex(?1)", arguments: [argument]) { row in
                (row.text(0), row.text(1))
            } ?? ("", "")
        }
    }

    @Test func eachKindOfValueIsBoundAsGRDBBindsIt() throws {
        let directory = TemporaryDirectory()
        let store = try ReplicaStore(path: directory.file("replica.sqlite"))
        let cases: [((any SQLBindable)?, String, String)] = [
            (42, "integer", "3432"), (-1, "integer", "2D31"), (true, "integer", "31"), (false, "integer", "30"),
            ("", "text", ""), ("é-☃", "text", "C3A92DE29883"),
            (String(repeating: "ab", count: 40), "text", String(repeating: "6162", count: 40)),
            // Cut at the first NUL, as GRDB's C-string binding has always stored it.
            ("a\u{0}b", "text", "61"), ("\u{0}x", "text", ""),
            ([UInt8](), "blob", ""), ([0, 255, 7] as [UInt8], "blob", "00FF07"), (Data([1, 2]), "blob", "0102"),
            (nil, "null", ""), (Optional<String>.none, "null", ""),
        ]
        for (argument, type, hex) in cases {
            let result = try bound(argument, in: store)
            #expect(result.type == type && result.hex == hex, "\(String(describing: argument))")
        }
        // The same texts and integers through GRDB's StatementArguments, for comparison.
        let viaGRDB = try store.writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT typeof(?), hex(?), typeof(?), hex(?)", arguments: ["é-☃", "é-☃", true, "a\u{0}b"])
        }
        #expect(viaGRDB?[0] == "text" && viaGRDB?[1] == "C3A92DE29883" && viaGRDB?[2] == "integer")
        #expect(viaGRDB?[3] == "61")
    }

    @Test func aWrongArgumentCountIsAnErrorNotACrash() throws {
        let directory = TemporaryDirectory()
        let store = try ReplicaStore(path: directory.file("replica.sqlite"))
        #expect(throws: DatabaseError.self) {
            try store.writer.read { db in try db.exists(sql: "SELECT ?1 + ?2", arguments: [1]) }
        }
    }
}
