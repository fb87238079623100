package import GRDB

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
