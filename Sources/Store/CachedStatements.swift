package import GRDB
import GRDBSQLite

// Apply, the door and the queries run the same few statements for every entry: compiling each one anew costs more
// than running it (SQLite's parser, and GRDB's authorizer computing the statement's region). These go through the
// connection's statement cache instead. Each SQL text must be a single statement; results are read whole (no
// cursors), so a cached statement is never in use twice at once.

extension Database {
    /// Runs one statement from the statement cache.
    package func run(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension Row {
    package static func cachedOne(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments())
        throws
        -> Row?
    {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    package static func cachedAll(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments())
        throws
        -> [Row]
    {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension DatabaseValueConvertible {
    package static func cachedOne(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments())
        throws
        -> Self?
    {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    package static func cachedAll(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments())
        throws
        -> [Self]
    {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

// The apply function's own statements go further: bound by GRDB, then stepped through SQLite's C API directly,
// without GRDB's per-execution bookkeeping (transaction observers, the suspension watchdog, row objects), which apply
// does not use and which cost more than most of its statements. Only for single SELECT, INSERT, UPDATE and DELETE
// statements: transaction control and schema changes go through GRDB, which tracks them.

extension Database {
    /// Runs one INSERT, UPDATE or DELETE from the statement cache.
    package func step(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try forEachRow(sql: sql, arguments: arguments) { _ in }
    }

    /// Reads the first row of one SELECT from the statement cache with `read`, or nil when there is none.
    package func firstRow<T>(
        sql: String, arguments: StatementArguments = StatementArguments(), _ read: (RawRow) throws -> T
    ) throws -> T? {
        let statement = try cachedStatement(sql: sql)
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        switch sqlite3_step(handle) {
        case SQLITE_DONE: return nil
        case SQLITE_ROW: return try read(RawRow(handle: handle))
        case let code: throw stepError(code, sql: sql)
        }
    }

    /// Reads every row of one SELECT from the statement cache with `read`, in order.
    package func forEachRow(
        sql: String, arguments: StatementArguments = StatementArguments(), _ read: (RawRow) throws -> Void
    ) throws {
        let statement = try cachedStatement(sql: sql)
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            switch sqlite3_step(handle) {
            case SQLITE_DONE: return
            case SQLITE_ROW: try read(RawRow(handle: handle))
            case let code: throw stepError(code, sql: sql)
            }
        }
    }

    /// The first column of the first row of one SELECT, or nil when there is no row or it is NULL.
    package func firstValue<T: DatabaseValueConvertible>(
        _ type: T.Type, sql: String, arguments: StatementArguments = StatementArguments()
    ) throws -> T? {
        try firstRow(sql: sql, arguments: arguments) { row in row.value(T.self, 0) } ?? nil
    }

    /// Whether one SELECT returns a row.
    package func exists(sql: String, arguments: StatementArguments = StatementArguments()) throws -> Bool {
        try firstRow(sql: sql, arguments: arguments) { _ in true } ?? false
    }

    private func stepError(_ code: Int32, sql: String) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqliteConnection)), sql: sql
        )
    }
}

/// The current row of a statement being stepped, read by column index.
package struct RawRow {
    let handle: SQLiteStatement

    package func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

    package func int(_ index: Int32) -> Int { Int(sqlite3_column_int64(handle, index)) }

    package func optionalInt(_ index: Int32) -> Int? { isNull(index) ? nil : int(index) }

    package func text(_ index: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, index) else { return "" }
        return String(
            decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, index))), as: UTF8.self)
    }

    package func optionalText(_ index: Int32) -> String? { isNull(index) ? nil : text(index) }

    package func blob(_ index: Int32) -> [UInt8] {
        guard let bytes = sqlite3_column_blob(handle, index) else { return [] }
        return Array(
            UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, index))).bindMemory(
                to: UInt8.self))
    }

    package func value<T: DatabaseValueConvertible>(_ type: T.Type, _ index: Int32) -> T? {
        T.fromDatabaseValue(DatabaseValue(sqliteStatement: handle, index: index))
    }
}
