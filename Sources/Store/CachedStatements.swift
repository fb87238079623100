package import Foundation
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
// statements, and apply's own savepoint inside a transaction (opened and closed within one entry): transactions and
// schema changes go through GRDB, which tracks them.

/// Positional arguments bound straight through `sqlite3_bind_*` (the same SQLite values as GRDB's
/// ``StatementArguments``, without its conversion to ``DatabaseValue``s, name lookup and validation pass).
package typealias SQLArguments = [(any SQLBindable)?]

/// A value apply binds: an integer, text or a blob, bound as GRDB binds it.
package protocol SQLBindable {
    func bind(to handle: SQLiteStatement, at index: Int32) -> Int32
    /// The value as SQLite stores it in a column of its own type, or nil where that is not known here.
    var stored: StoredValue? { get }
}

/// A non-NULL value as SQLite stores it.
package enum StoredValue: Equatable {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

extension Int: SQLBindable {
    package func bind(to handle: SQLiteStatement, at index: Int32) -> Int32 {
        sqlite3_bind_int64(handle, index, Int64(self))
    }

    package var stored: StoredValue? { .integer(Int64(self)) }
}

extension Bool: SQLBindable {
    package func bind(to handle: SQLiteStatement, at index: Int32) -> Int32 {
        sqlite3_bind_int64(handle, index, self ? 1 : 0)
    }

    package var stored: StoredValue? { .integer(self ? 1 : 0) }
}

extension String: SQLBindable {
    /// The UTF-8 bytes in place (GRDB's binding copies the string into a C string first), up to the first NUL: GRDB
    /// binds a C string, so SQLite has always stored a text cut at its first NUL, and every replica's rows and
    /// digests depend on that. The empty string is empty text, not NULL.
    package func bind(to handle: SQLiteStatement, at index: Int32) -> Int32 {
        var text = self
        return text.withUTF8 { bytes in
            let count = bytes.firstIndex(of: 0) ?? bytes.count
            guard let base = bytes.baseAddress, count > 0 else {
                return sqlite3_bind_text(handle, index, "", 0, transient)
            }
            let characters = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
            return sqlite3_bind_text(handle, index, characters, Int32(count), transient)
        }
    }

    /// As bound: cut at the first NUL.
    package var stored: StoredValue? {
        guard let nul = utf8.firstIndex(of: 0) else { return .text(self) }
        return .text(String(decoding: utf8[..<nul], as: UTF8.self))
    }
}

/// `SQLITE_TRANSIENT`: SQLite copies the value before the bind returns.
private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

extension Data: SQLBindable {
    /// Not known here: GRDB binds an empty `Data` as NULL or as an empty blob depending on its storage.
    package var stored: StoredValue? { nil }
}

extension Array: SQLBindable where Element == UInt8 {
    /// A blob, bound from the array's storage (an empty array is an empty blob, not NULL).
    package func bind(to handle: SQLiteStatement, at index: Int32) -> Int32 {
        withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_zeroblob(handle, index, 0) }
            return sqlite3_bind_blob(handle, index, base, Int32(bytes.count), transient)
        }
    }

    package var stored: StoredValue? { .blob(self) }
}

extension Database {
    /// Runs one INSERT, UPDATE or DELETE from the statement cache.
    package func step(sql: String, arguments: SQLArguments = []) throws {
        try forEachRow(sql: sql, arguments: arguments) { _ in }
    }

    /// Reads the first row of one SELECT from the statement cache with `read`, or nil when there is none.
    package func firstRow<T>(sql: String, arguments: SQLArguments = [], _ read: (RawRow) throws -> T) throws -> T? {
        let handle = try boundStatement(sql: sql, arguments: arguments)
        defer { sqlite3_reset(handle) }
        switch sqlite3_step(handle) {
        case SQLITE_DONE: return nil
        case SQLITE_ROW: return try read(RawRow(handle: handle))
        case let code: throw stepError(code, sql: sql)
        }
    }

    /// Reads every row of one SELECT from the statement cache with `read`, in order.
    package func forEachRow(sql: String, arguments: SQLArguments = [], _ read: (RawRow) throws -> Void) throws {
        let handle = try boundStatement(sql: sql, arguments: arguments)
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
    package func firstValue<T: DatabaseValueConvertible>(_ type: T.Type, sql: String, arguments: SQLArguments = [])
        throws -> T?
    {
        try firstRow(sql: sql, arguments: arguments) { row in row.value(T.self, 0) } ?? nil
    }

    /// Whether one SELECT returns a row.
    package func exists(sql: String, arguments: SQLArguments = []) throws -> Bool {
        try firstRow(sql: sql, arguments: arguments) { _ in true } ?? false
    }

    /// The cached statement for `sql` with `arguments` bound, ready to step; the caller resets it when done.
    func boundStatement(sql: String, arguments: SQLArguments) throws -> SQLiteStatement {
        let handle = try cachedStatement(sql: sql).sqliteStatement
        guard sqlite3_bind_parameter_count(handle) == Int32(arguments.count) else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE,
                message: "\(arguments.count) arguments for \(sqlite3_bind_parameter_count(handle)) parameters", sql: sql
            )
        }
        for (index, argument) in zip(Int32(1)..., arguments) {
            let code = argument?.bind(to: handle, at: index) ?? sqlite3_bind_null(handle, index)
            guard code == SQLITE_OK else { throw stepError(code, sql: sql) }
        }
        return handle
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

    /// Every column's value.
    package var values: [DatabaseValue] {
        (0..<sqlite3_column_count(handle)).map { DatabaseValue(sqliteStatement: handle, index: $0) }
    }

    /// Every column's name.
    package var columnNames: [String] {
        (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
    }

    package func value<T: DatabaseValueConvertible>(_ type: T.Type, _ index: Int32) -> T? {
        T.fromDatabaseValue(DatabaseValue(sqliteStatement: handle, index: index))
    }
}
