package import GRDB
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
    static func hash(table: String, row: Row) -> [UInt8] { Sodium.blake2b256(encode(table: table, row: row)) }

    /// The bytes whose BLAKE2b-256 is the row's contribution.
    package static func encode(table: String, row: Row) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(contentsOf: table.utf8)
        out.append(0)
        // Column names in byte order (compared in place: this runs for every row every entry touches).
        let columns = zip(row.columnNames, row.databaseValues).sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        for (name, value) in columns {
            switch value.storage {
            case .null: continue
            case .int64(let number):
                out.append(contentsOf: name.utf8)
                out.append(0)
                out.append(UInt8(ascii: "i"))
                withUnsafeBytes(of: number.bigEndian) { out.append(contentsOf: $0) }
            case .string(let text): appendBytes(text.utf8, tag: "t", name: name, to: &out)
            case .blob(let data): appendBytes(data, tag: "b", name: name, to: &out)
            case .double(let number):
                // Digested tables are STRICT with no REAL columns; a REAL here is a schema bug.
                preconditionFailure("REAL value \(number) in digested table \(table)")
            }
        }
        return out
    }

    private static func appendBytes(
        _ bytes: some Collection<UInt8>, tag: Unicode.Scalar, name: String, to out: inout [UInt8]
    ) {
        out.append(contentsOf: name.utf8)
        out.append(0)
        out.append(UInt8(ascii: tag))
        withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: bytes)
    }
}

extension DigestSum {
    /// Adjusts the sum around a write: subtracts the rows of `table` matching `filter` before `write`, adds them back
    /// after. `filter` must select every row the write touches.
    mutating func tracking<T>(
        _ db: Database, table: String, filter: String, arguments: StatementArguments, write: () throws -> T
    ) throws -> T {
        let sql = "SELECT * FROM \(table) WHERE \(filter)"
        for row in try Row.cachedAll(db, sql: sql, arguments: arguments) {
            subtract(RowEncoding.hash(table: table, row: row))
        }
        let result = try write()
        for row in try Row.cachedAll(db, sql: sql, arguments: arguments) {
            add(RowEncoding.hash(table: table, row: row))
        }
        return result
    }

    /// The sum over every digested row, computed from scratch.
    static func recompute(_ db: Database) throws -> DigestSum {
        var sum = DigestSum()
        for table in Migrations.digestedTables {
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table)")
            while let row = try rows.next() { sum.add(RowEncoding.hash(table: table, row: row)) }
        }
        return sum
    }
}
