import Foundation
import GRDB

/// How to take back what applying change sets did to the state tables, recorded by apply itself when a node puts
/// its pending change sets on its local view (``Overlay``); nil for sequenced entries, which are never undone.
///
/// Every write apply makes goes through a helper that names the rows it may touch (`table` and a `filter` with its
/// `keys`, as the digest needs anyway): the step keeps those rows as they were before. Undoing a step deletes what
/// the filter selects now and puts the kept rows back, so steps undone newest first give back the state before the
/// first. (This replaced SQLite's session extension, which cost every local write several statements compiled to
/// read the tables' schemas and rows again.)
struct UndoLog: Codable {
    struct Step: Codable {
        var table: String
        var filter: String
        var keys: [Value]
        var columns: [String]
        var rows: [[Value]]
    }

    /// A column value as stored (the state tables are STRICT: no REAL).
    enum Value: Codable, Equatable {
        case null
        case integer(Int64)
        case text(String)
        case blob(Data)

        init(_ value: DatabaseValue) {
            switch value.storage {
            case .null: self = .null
            case .int64(let number): self = .integer(number)
            case .string(let text): self = .text(text)
            case .blob(let data): self = .blob(data)
            case .double(let number):
                // The state tables are STRICT with no REAL columns (the digest refuses one the same way).
                preconditionFailure("REAL value \(number) in a state table")
            }
        }

        var databaseValue: DatabaseValue {
            switch self {
            case .null: .null
            case .integer(let number): number.databaseValue
            case .text(let text): text.databaseValue
            case .blob(let data): data.databaseValue
            }
        }
    }

    var steps: [Step] = []

    /// Keeps the rows of `table` that `filter` selects now, before a write that touches only those.
    mutating func record(_ db: Database, table: String, filter: String, keys: SQLArguments) throws {
        var columns: [String] = []
        var rows: [[Value]] = []
        try db.forEachRow(sql: "SELECT * FROM \(table) WHERE \(filter)", arguments: keys) { row in
            if columns.isEmpty { columns = row.columnNames }
            rows.append(row.values.map(Value.init))
        }
        // The keys as values to store: selected back through SQLite (the filter's `?`s are its only parameters).
        let marks = Array(repeating: "?", count: keys.count).joined(separator: ", ")
        let bound = keys.isEmpty ? [] : try db.firstRow(sql: "SELECT \(marks)", arguments: keys) { $0.values } ?? []
        steps.append(Step(table: table, filter: filter, keys: bound.map(Value.init), columns: columns, rows: rows))
    }

    /// Undoes every step, newest first.
    func undo(_ db: Database) throws {
        for step in steps.reversed() {
            try db.execute(
                sql: "DELETE FROM \(step.table) WHERE \(step.filter)",
                arguments: StatementArguments(step.keys.map(\.databaseValue)))
            guard !step.rows.isEmpty else { continue }
            let names = step.columns.joined(separator: ", ")
            let marks = Array(repeating: "?", count: step.columns.count).joined(separator: ", ")
            for row in step.rows {
                try db.execute(
                    sql: "INSERT INTO \(step.table) (\(names)) VALUES (\(marks))",
                    arguments: StatementArguments(row.map(\.databaseValue)))
            }
        }
    }

    /// The stored form: a version line, then JSON. (Undo entries written before by the session extension have no
    /// such line: they are SQLite changesets.)
    static let marker = Array("hutsync-undo/v1\n".utf8)

    func encoded() throws -> Data { Data(Self.marker) + (try JSONEncoder().encode(self)) }

    static func decode(_ data: Data) throws -> UndoLog? {
        guard data.starts(with: marker) else { return nil }
        return try JSONDecoder().decode(UndoLog.self, from: data.dropFirst(marker.count))
    }
}
