import GRDB

/// Changes to how the replicated state is stored, not to what it holds: indexes and tables that apply, the outbox and
/// the relay's door read, replaced by cheaper ones as profiles showed their cost.
extension Migrations {
    /// Only Conflicted bookings are ever looked up by status: a partial index over them replaces the index of every
    /// booking by status, one random-key index fewer to update per booking applied.
    static let v8 = """
        DROP INDEX bookings_by_status;
        CREATE INDEX bookings_conflicted ON bookings (id) WHERE status = 'Conflicted';
        """

    /// An author's last sequenced counter is read from the log's (author, counter) index (`max(counter)` is one
    /// descent of it), instead of a table every applied entry had to update as well.
    static let v9 = """
        DROP TABLE author_counters;
        """

    /// The log without a UNIQUE index on change-set ids: an id is a hash, so that index took a random leaf for every
    /// entry applied, and it duplicated (author, counter), which the id covers (it hashes the bytes that hold both).
    /// Outbox change sets are found in the log by (author, counter) and then compared by id: the outbox records its
    /// author (this node's key).
    static let v10 = """
        CREATE TABLE log_v10 (
            seq INTEGER PRIMARY KEY,
            id BLOB NOT NULL,
            author TEXT NOT NULL,
            counter INTEGER NOT NULL,
            relay_time INTEGER NOT NULL,
            change_set BLOB NOT NULL,
            signature BLOB NOT NULL,
            outcome TEXT NOT NULL,
            digest BLOB NOT NULL,
            hash BLOB NOT NULL,
            UNIQUE (author, counter)
        ) STRICT;
        INSERT INTO log_v10 SELECT * FROM log;
        DROP TABLE log;
        ALTER TABLE log_v10 RENAME TO log;

        ALTER TABLE outbox ADD COLUMN author TEXT;
        UPDATE outbox SET author = json_extract(CAST(change_set AS TEXT), '$.author');
        """

    /// The same tables with their CHECK constraints on lists of more than two values written as `=` … `OR` …: SQLite
    /// 3.40 checks `x IN (a, b, c)` by filling a temporary b-tree with the list on every execution of a statement
    /// (two for each booking inserted: about 3 µs, a tenth of applying one), where `OR` compares in place. The same
    /// constraints, the same columns in the same order, the same rows with the same rowids; the indexes are made
    /// again (the query index too, where the store had it: see the migration).
    static let v11 = """
        CREATE TABLE bookings_v11 (
            id TEXT PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            property_id TEXT NOT NULL,
            date TEXT NOT NULL,
            shift TEXT NOT NULL,
            status TEXT NOT NULL CHECK (
                status = 'Pending' OR status = 'Waiting' OR status = 'Confirmed' OR status = 'Completed'
                OR status = 'Cancelled' OR status = 'Expired' OR status = 'Conflicted'),
            source TEXT NOT NULL CHECK (
                source = 'walk_in' OR source = 'phone' OR source = 'whatsapp' OR source = 'webchat'),
            amount INTEGER NOT NULL,
            advance INTEGER NOT NULL,
            payee_method TEXT,
            payee_account TEXT,
            payee_title TEXT,
            guests INTEGER,
            phone_mask TEXT,
            customer_ref TEXT,
            contact TEXT NOT NULL,
            hold_until INTEGER,
            conflict_with TEXT,
            cancel_reason TEXT,
            author TEXT NOT NULL,
            created_seq INTEGER NOT NULL,
            updated_seq INTEGER NOT NULL,
            current_proof TEXT,
            reject_reason TEXT,
            actor TEXT,
            accepted_duplicate INTEGER
        ) STRICT;
        INSERT INTO bookings_v11 (rowid, id, code, property_id, date, shift, status, source, amount, advance,
            payee_method, payee_account, payee_title, guests, phone_mask, customer_ref, contact, hold_until,
            conflict_with, cancel_reason, author, created_seq, updated_seq, current_proof, reject_reason, actor,
            accepted_duplicate)
        SELECT rowid, id, code, property_id, date, shift, status, source, amount, advance, payee_method,
            payee_account, payee_title, guests, phone_mask, customer_ref, contact, hold_until, conflict_with,
            cancel_reason, author, created_seq, updated_seq, current_proof, reject_reason, actor, accepted_duplicate
        FROM bookings;
        DROP TABLE bookings;
        ALTER TABLE bookings_v11 RENAME TO bookings;
        CREATE INDEX bookings_conflicted ON bookings (id) WHERE status = 'Conflicted';

        CREATE TABLE keys_v11 (
            public_key TEXT PRIMARY KEY,
            role TEXT NOT NULL CHECK (role = 'admin' OR role = 'relay' OR role = 'reviewer' OR role = 'owner'),
            owner_id TEXT,
            label TEXT,
            granted_seq INTEGER NOT NULL,
            revoked_seq INTEGER
        ) STRICT;
        INSERT INTO keys_v11 (rowid, public_key, role, owner_id, label, granted_seq, revoked_seq)
        SELECT rowid, public_key, role, owner_id, label, granted_seq, revoked_seq FROM keys;
        DROP TABLE keys;
        ALTER TABLE keys_v11 RENAME TO keys;
        CREATE INDEX keys_by_owner ON keys (owner_id, public_key);
        """
}

/// Indexes that only a node's views read — apply, the door and the outbox never do. Each costs a random index leaf
/// for every booking applied (without this one, a catch-up spent about 10 µs less CPU per entry, of about 50 for
/// apply and commit), so only a store that answers those views keeps them: a node. The relay answers none;
/// a store being built (`node init`, `node rebuild`) creates them once at the end, sorted, instead of leaf by leaf.
///
/// Migration v1 created `bookings_by_property_date`; whichever way a store is opened (see
/// ``ReplicaStore/init(path:durable:reverseUnorderedSelects:queryIndexes:)``) creates or drops these.
enum QueryIndexes {
    static let all: [(name: String, definition: String)] = [
        ("bookings_by_property_date", "ON bookings (property_id, date, shift, id)")
    ]

    static var names: Set<String> { Set(all.map(\.name)) }

    /// The query indexes that exist.
    static func present(_ db: Database) throws -> Set<String> {
        try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'").intersection(names)
    }

    static func create(_ db: Database) throws {
        for (name, definition) in all { try db.execute(sql: "CREATE INDEX IF NOT EXISTS \(name) \(definition)") }
    }

    static func drop(_ db: Database) throws {
        for (name, _) in all { try db.execute(sql: "DROP INDEX IF EXISTS \(name)") }
    }
}
