package import GRDB

/// The replica's schema: named, append-only migrations in SQL text. Never edit a released migration; add one.
package enum Migrations {
    package static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-replica", migrate: { db in try db.execute(sql: v1) })
        migrator.registerMigration("v2-payments", migrate: { db in try db.execute(sql: v2) })
        migrator.registerMigration("v3-meta", migrate: { db in try db.execute(sql: v3) })
        migrator.registerMigration("v4-outbox", migrate: { db in try db.execute(sql: v4) })
        migrator.registerMigration(
            "v5-dismissed",
            migrate: { db in
                try db.execute(
                    sql: "CREATE TABLE dismissed_conflicts (code TEXT PRIMARY KEY, at INTEGER NOT NULL) STRICT")
            })
        migrator.registerMigration("v6-overlay", migrate: { db in try db.execute(sql: v6) })
        migrator.registerMigration("v7-outbox-pricing", migrate: { db in try db.execute(sql: v7) })
        migrator.registerMigration("v8-conflicted-index", migrate: { db in try db.execute(sql: v8) })
        migrator.registerMigration("v9-counters-from-log", migrate: { db in try db.execute(sql: v9) })
        migrator.registerMigration("v10-log-without-id-index", migrate: { db in try db.execute(sql: v10) })
        migrator.registerMigration(
            "v11-checks-without-lists",
            migrate: { db in
                // The one query index on these tables (v1's), made again where the store kept it (written out here:
                // a released migration does not follow `QueryIndexes`, which may grow).
                let kept =
                    try db.tableExists("bookings")
                    && db.indexes(on: "bookings").contains {
                        $0.name == "bookings_by_property_date"
                    }
                try db.execute(sql: v11)
                if kept {
                    try db.execute(
                        sql: "CREATE INDEX bookings_by_property_date ON bookings (property_id, date, shift, id)")
                }
            })
        return migrator
    }

    /// Replicated tables (digested) first, then the derived occupancy table, then the log tables.
    static let v1 = """
        CREATE TABLE network_params (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            network_id TEXT NOT NULL,
            rules_version INTEGER NOT NULL,
            time_zone TEXT NOT NULL,
            utc_offset_minutes INTEGER NOT NULL,
            code_prefix TEXT NOT NULL
        ) STRICT;

        CREATE TABLE platform_payee (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            method TEXT NOT NULL,
            account TEXT NOT NULL,
            title TEXT NOT NULL
        ) STRICT;

        CREATE TABLE keys (
            public_key TEXT PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN ('admin', 'relay', 'reviewer', 'owner')),
            owner_id TEXT,
            label TEXT,
            granted_seq INTEGER NOT NULL,
            revoked_seq INTEGER
        ) STRICT;
        CREATE INDEX keys_by_owner ON keys (owner_id, public_key);

        CREATE TABLE owners (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            phone TEXT NOT NULL,
            payment_method TEXT,
            payment_account TEXT,
            payment_title TEXT
        ) STRICT;

        CREATE TABLE properties (
            id TEXT PRIMARY KEY,
            owner_id TEXT NOT NULL,
            name TEXT NOT NULL,
            type TEXT NOT NULL CHECK (type IN ('hut', 'farm')),
            city TEXT NOT NULL,
            province TEXT NOT NULL,
            country TEXT NOT NULL,
            address TEXT NOT NULL,
            description TEXT,
            max_guests INTEGER NOT NULL,
            contact_phone TEXT,
            advance_percent INTEGER NOT NULL CHECK (advance_percent BETWEEN 0 AND 100),
            hold_minutes INTEGER NOT NULL CHECK (hold_minutes BETWEEN 1 AND 1440),
            archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
        ) STRICT;
        CREATE INDEX properties_by_owner ON properties (owner_id, id);

        CREATE TABLE property_amenities (
            property_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            PRIMARY KEY (property_id, position)
        ) STRICT;

        CREATE TABLE property_media (
            property_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('photo', 'video')),
            position INTEGER NOT NULL,
            url TEXT NOT NULL,
            PRIMARY KEY (property_id, kind, position)
        ) STRICT;

        CREATE TABLE weekly_prices (
            property_id TEXT NOT NULL,
            weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
            shift TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount >= 0),
            PRIMARY KEY (property_id, weekday, shift)
        ) STRICT;

        CREATE TABLE price_overrides (
            property_id TEXT NOT NULL,
            date TEXT NOT NULL,
            shift TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount >= 0),
            PRIMARY KEY (property_id, date, shift)
        ) STRICT;

        CREATE TABLE blocks (
            id TEXT PRIMARY KEY,
            property_id TEXT NOT NULL,
            date TEXT NOT NULL,
            shift TEXT NOT NULL,
            reason TEXT,
            created_seq INTEGER NOT NULL,
            removed_seq INTEGER
        ) STRICT;
        CREATE INDEX blocks_by_property ON blocks (property_id, date, id);

        CREATE TABLE bookings (
            id TEXT PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            property_id TEXT NOT NULL,
            date TEXT NOT NULL,
            shift TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN
                ('Pending', 'Waiting', 'Confirmed', 'Completed', 'Cancelled', 'Expired', 'Conflicted')),
            source TEXT NOT NULL CHECK (source IN ('walk_in', 'phone', 'whatsapp', 'webchat')),
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
            updated_seq INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX bookings_by_property_date ON bookings (property_id, date, shift, id);
        CREATE INDEX bookings_by_status ON bookings (status, id);

        -- Derived: every unit held by a holding booking or a live block. The UNIQUE index makes a double booking
        -- impossible in the schema itself, whatever code path writes.
        CREATE TABLE occupancy (
            property_id TEXT NOT NULL,
            date TEXT NOT NULL,
            half INTEGER NOT NULL CHECK (half IN (0, 1)),
            holder_kind TEXT NOT NULL CHECK (holder_kind IN ('booking', 'block')),
            holder_id TEXT NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX occupancy_unit ON occupancy (property_id, date, half);
        CREATE INDEX occupancy_holder ON occupancy (holder_id);

        -- The log as this replica applied it, and where it stands.
        CREATE TABLE log (
            seq INTEGER PRIMARY KEY,
            id BLOB NOT NULL UNIQUE,
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

        CREATE TABLE author_counters (
            public_key TEXT PRIMARY KEY,
            counter INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE replica_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            applied_seq INTEGER NOT NULL,
            head_hash BLOB NOT NULL,
            digest_sum BLOB NOT NULL,
            relay_time INTEGER NOT NULL
        ) STRICT;
        INSERT INTO replica_state VALUES (1, 0, zeroblob(32), zeroblob(32), 0);
        """

    /// Payment proofs and the rest of the lifecycle. New booking columns are nullable, so rows written before keep
    /// their digest contribution (NULL columns are not encoded).
    static let v2 = """
        ALTER TABLE bookings ADD COLUMN current_proof TEXT;
        ALTER TABLE bookings ADD COLUMN reject_reason TEXT;
        ALTER TABLE bookings ADD COLUMN actor TEXT;
        ALTER TABLE bookings ADD COLUMN accepted_duplicate INTEGER;

        CREATE TABLE payment_proofs (
            id TEXT PRIMARY KEY,
            booking_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            method TEXT NOT NULL,
            amount INTEGER,
            txn_hash TEXT,
            sealed TEXT NOT NULL,
            extracted_seq INTEGER,
            extracted_amount INTEGER,
            extracted_txn_hash TEXT,
            receiver_account TEXT,
            paid_at INTEGER,
            extractor TEXT,
            extracted_sealed TEXT,
            effective_txn_hash TEXT,
            warnings TEXT NOT NULL,
            duplicate_of TEXT
        ) STRICT;
        CREATE INDEX proofs_by_booking ON payment_proofs (booking_id, seq, id);
        CREATE INDEX proofs_by_txn ON payment_proofs (effective_txn_hash, seq, id);
        """

    /// The replicated tables whose rows make up the state digest, in the order `docs/protocol.md` lists them.
    static let digestedTables = [
        "network_params", "platform_payee", "keys", "owners", "properties", "property_amenities", "property_media",
        "weekly_prices", "price_overrides", "blocks", "bookings", "payment_proofs",
    ]
}
