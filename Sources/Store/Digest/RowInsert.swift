import GRDB
import Wire

/// An INSERT of one row into a digested table, naming its columns, whose digest contribution apply computes from
/// the values it binds instead of reading the row back (`RETURNING *` cost a booking about 5 µs with its hash).
///
/// That is the row as stored only when every column not named is NULL (no default) and each value is stored as it
/// is bound: `RowInsertTests` checks the first against the schema, and ``contribution(of:)`` declines (nil — the
/// caller reads the row back instead) any value whose kind differs from its column's declared type.
package struct RowInsert {
    package enum ColumnType: String {
        case integer = "INTEGER"
        case text = "TEXT"
        case blob = "BLOB"
    }

    package let table: String
    package let columns: [(name: String, type: ColumnType)]
    package let sql: String
    /// Indexes into `columns` in byte order of the column names (the digest's order).
    private let digestOrder: [Int]

    init(table: String, columns: [(name: String, type: ColumnType)]) {
        self.table = table
        self.columns = columns
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        sql = "INSERT INTO \(table) (\(columns.map(\.name).joined(separator: ", "))) VALUES (\(marks))"
        digestOrder = columns.indices.sorted { columns[$0].name.utf8.lexicographicallyPrecedes(columns[$1].name.utf8) }
    }

    /// BLAKE2b-256 of the row's encoding (``RowEncoding``) with `values` in `columns` and every other column NULL,
    /// or nil when a value is not stored as its column's type.
    package func contribution(of values: SQLArguments) -> [UInt8]? {
        precondition(values.count == columns.count)
        var out: [UInt8] = []
        out.reserveCapacity(512)
        RowEncoding.appendTable(table, to: &out)
        for index in digestOrder {
            guard let value = values[index] else { continue }
            let (name, type) = columns[index]
            switch (value.stored, type) {
            case (.integer(let number)?, .integer):
                RowEncoding.appendInteger(number, name: name.utf8, to: &out)
            case (.text(let text)?, .text):
                RowEncoding.appendBytes(text.utf8, tag: "t", name: name.utf8, to: &out)
            case (.blob(let bytes)?, .blob):
                RowEncoding.appendBytes(bytes, tag: "b", name: name.utf8, to: &out)
            default:
                return nil
            }
        }
        return Sodium.blake2b256(out)
    }

    /// A new booking's row (`booking.create`): every other column of `bookings` starts NULL.
    package static let booking = RowInsert(
        table: "bookings",
        columns: [
            ("id", .text), ("code", .text), ("property_id", .text), ("date", .text), ("shift", .text),
            ("status", .text), ("source", .text), ("amount", .integer), ("advance", .integer),
            ("payee_method", .text), ("payee_account", .text), ("payee_title", .text), ("guests", .integer),
            ("phone_mask", .text), ("customer_ref", .text), ("contact", .text), ("hold_until", .integer),
            ("conflict_with", .text), ("author", .text), ("created_seq", .integer), ("updated_seq", .integer),
        ])
}
