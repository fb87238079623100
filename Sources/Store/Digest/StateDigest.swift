import Foundation
package import GRDB
import GRDBSQLite
package import Wire

/// The state digest: an incremental multiset hash of the replicated rows.
///
/// Each row of a digested table contributes `BLAKE2b-256(row encoding)`; the **sum** of the contributions, as 256-bit
/// little-endian integers modulo 2^256, is kept inside the apply transaction (insert adds, delete subtracts, update
/// does both). The reported digest is `BLAKE2b-256("hutsync/digest/v1" ‖ 0x00 ‖ sum)`. The sum does not depend on row
/// order, so computing it from scratch needs no ordering.
package struct DigestSum: Sendable, Hashable {
    package private(set) var bytes: [UInt8]

    package init(bytes: [UInt8] = [UInt8](repeating: 0, count: 32)) {
        precondition(bytes.count == 32)
        self.bytes = bytes
    }

    package static let prefix: [UInt8] = Array("hutsync/digest/v1".utf8) + [0]

    /// The digest as reported and compared between replicas.
    package var digest: [UInt8] { Sodium.blake2b256(Self.prefix + bytes) }

    mutating func add(_ hash: [UInt8]) {
        var carry: UInt16 = 0
        for index in 0..<32 {
            let sum = UInt16(bytes[index]) + UInt16(hash[index]) + carry
            bytes[index] = UInt8(truncatingIfNeeded: sum)
            carry = sum >> 8
        }
    }

    mutating func subtract(_ hash: [UInt8]) {
        var borrow: Int16 = 0
        for index in 0..<32 {
            var difference = Int16(bytes[index]) - Int16(hash[index]) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 256 }
            bytes[index] = UInt8(difference)
        }
    }
}

/// The encoding of one row for the digest: `table ‖ 0x00`, then for each non-NULL column in byte order of the
/// column names: `name ‖ 0x00 ‖ tag ‖ value`, where tag `i` is followed by the integer as 8 bytes big-endian two's
/// complement, and tag `t` (text, UTF-8) or `b` (blob) by a 4-byte big-endian length and the bytes.
package enum RowEncoding {
    /// The contribution (BLAKE2b-256 of the encoding) of each row `sql` — a `SELECT *` of `table`, or an INSERT of it
    /// `RETURNING *` — selects.
    static func forEachHash(
        _ db: Database, table: String, sql: String, arguments: SQLArguments, _ body: ([UInt8]) -> Void
    ) throws {
        try forEachEncoding(db, table: table, sql: sql, arguments: arguments) { body(Sodium.blake2b256($0)) }
    }

    /// The encoding of each row `sql` selects, read straight from SQLite's columns (no GRDB `Row`, no string per
    /// column: apply runs this twice per write); the test vectors' row example is computed by it too.
    package static func forEachEncoding(
        _ db: Database, table: String, sql: String, arguments: SQLArguments = [], _ body: ([UInt8]) -> Void
    ) throws {
        let handle = try db.boundStatement(sql: sql, arguments: arguments)
        defer { sqlite3_reset(handle) }
        var columns: [(index: Int32, name: UnsafeRawBufferPointer)] = []
        var out: [UInt8] = []
        out.reserveCapacity(512)
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code),
                    message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                    sql: sql)
            }
            if columns.isEmpty {
                // Column names in byte order (they stay valid while the statement is prepared).
                columns = (0..<sqlite3_column_count(handle)).map { index in
                    let name = sqlite3_column_name(handle, index)!
                    return (index, UnsafeRawBufferPointer(start: name, count: strlen(name)))
                }
                columns.sort { $0.name.lexicographicallyPrecedes($1.name) }
            }
            out.removeAll(keepingCapacity: true)
            appendTable(table, to: &out)
            for (index, name) in columns {
                switch sqlite3_column_type(handle, index) {
                case SQLITE_NULL: continue
                case SQLITE_INTEGER:
                    appendInteger(sqlite3_column_int64(handle, index), name: name, to: &out)
                case SQLITE_TEXT:
                    let text = sqlite3_column_text(handle, index)
                    let count = Int(sqlite3_column_bytes(handle, index))
                    appendBytes(UnsafeBufferPointer(start: text, count: count), tag: "t", name: name, to: &out)
                case SQLITE_BLOB:
                    let blob = sqlite3_column_blob(handle, index)?.assumingMemoryBound(to: UInt8.self)
                    let count = Int(sqlite3_column_bytes(handle, index))
                    appendBytes(UnsafeBufferPointer(start: blob, count: count), tag: "b", name: name, to: &out)
                default:
                    // Digested tables are STRICT with no REAL columns; a REAL here is a schema bug.
                    preconditionFailure("REAL value in digested table \(table)")
                }
            }
            body(out)
        }
    }

    // The encoding's parts, shared by rows read from SQLite (above) and rows computed from the values an insert
    // binds (``RowInsert``).

    /// `table ‖ 0x00`: the start of a row's encoding.
    static func appendTable(_ table: String, to out: inout [UInt8]) {
        out.append(contentsOf: table.utf8)
        out.append(0)
    }

    /// `name ‖ 0x00 ‖ i ‖` the integer as 8 bytes big-endian two's complement.
    static func appendInteger(_ value: Int64, name: some Collection<UInt8>, to out: inout [UInt8]) {
        appendName(name, tag: "i", to: &out)
        withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
    }

    /// `name ‖ 0x00 ‖ tag ‖` a 4-byte big-endian length and the bytes: text (`t`, UTF-8) or a blob (`b`).
    static func appendBytes(
        _ bytes: some Collection<UInt8>, tag: Unicode.Scalar, name: some Collection<UInt8>, to out: inout [UInt8]
    ) {
        appendName(name, tag: tag, to: &out)
        withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: bytes)
    }

    private static func appendName(_ name: some Collection<UInt8>, tag: Unicode.Scalar, to out: inout [UInt8]) {
        out.append(contentsOf: name)
        out.append(0)
        out.append(UInt8(ascii: tag))
    }
}

extension DigestSum {
    /// Adjusts the sum around a write: subtracts the rows of `table` matching `filter` before `write`, adds them back
    /// after. `filter` must select every row the write touches.
    mutating func tracking<T>(
        _ db: Database, table: String, filter: String, arguments: SQLArguments, write: () throws -> T
    ) throws -> T {
        let sql = "SELECT * FROM \(table) WHERE \(filter)"
        try RowEncoding.forEachHash(db, table: table, sql: sql, arguments: arguments) { subtract($0) }
        let result = try write()
        try RowEncoding.forEachHash(db, table: table, sql: sql, arguments: arguments) { add($0) }
        return result
    }

    /// The sum over every digested row, computed from scratch.
    static func recompute(_ db: Database) throws -> DigestSum {
        var sum = DigestSum()
        for table in Migrations.digestedTables {
            try RowEncoding.forEachHash(db, table: table, sql: "SELECT * FROM \(table)", arguments: []) { sum.add($0) }
        }
        return sum
    }
}
