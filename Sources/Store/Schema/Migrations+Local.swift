/// The node-local tables: facts about this replica, the outbox and its refusals, the overlay. Never replicated or
/// digested.
extension Migrations {
    /// Local facts about this replica (a node's relay URL, last sync, clock offset): never replicated or digested.
    static let v3 = """
        CREATE TABLE local_meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT;
        """

    /// A node's own change sets not yet applied from the log, and the ones the log or the door refused. Local only.
    static let v4 = """
        CREATE TABLE outbox (
            counter INTEGER PRIMARY KEY,
            id BLOB NOT NULL UNIQUE,
            change_set BLOB NOT NULL,
            signature BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            acknowledged_seq INTEGER,
            door_refusal TEXT
        ) STRICT;

        CREATE TABLE refusals (
            id BLOB PRIMARY KEY,
            counter INTEGER NOT NULL,
            seq INTEGER,
            reason TEXT NOT NULL,
            at INTEGER NOT NULL
        ) STRICT;
        """

    /// A node's overlay (its pending change sets applied on the state tables, undoably): the occupancy table gets a
    /// primary key (its unit), which the session extension needs to record changes; `overlay` has its one row while
    /// the overlay is applied, with the last provisional position; `overlay_undo` holds the inverse changesets.
    static let v6 = """
        CREATE TABLE occupancy_keyed (
            property_id TEXT NOT NULL,
            date TEXT NOT NULL,
            half INTEGER NOT NULL CHECK (half IN (0, 1)),
            holder_kind TEXT NOT NULL CHECK (holder_kind IN ('booking', 'block')),
            holder_id TEXT NOT NULL,
            PRIMARY KEY (property_id, date, half)
        ) STRICT;
        INSERT INTO occupancy_keyed SELECT property_id, date, half, holder_kind, holder_id FROM occupancy;
        DROP TABLE occupancy;
        ALTER TABLE occupancy_keyed RENAME TO occupancy;
        CREATE INDEX occupancy_holder ON occupancy (holder_id);

        CREATE TABLE overlay (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            seq INTEGER NOT NULL,
            relay_time INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE overlay_undo (
            n INTEGER PRIMARY KEY,
            changeset BLOB NOT NULL
        ) STRICT;
        """

    /// Which outbox change sets set a property's prices (a local view question asked on every availability read):
    /// kept by triggers from the change sets' own JSON, so no code path that writes the outbox can forget it, and
    /// filled for outboxes written before.
    static let v7 = """
        CREATE TABLE outbox_pricing (
            property_id TEXT NOT NULL,
            outbox_id BLOB NOT NULL,
            PRIMARY KEY (property_id, outbox_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX outbox_pricing_by_id ON outbox_pricing (outbox_id);

        CREATE TRIGGER outbox_pricing_insert AFTER INSERT ON outbox BEGIN
            INSERT OR IGNORE INTO outbox_pricing (property_id, outbox_id)
            SELECT json_extract(op.value, '$.property_id'), NEW.id
            FROM json_each(CAST(NEW.change_set AS TEXT), '$.ops') AS op
            WHERE json_extract(op.value, '$.op') IN ('property.prices', 'property.price_override');
        END;
        CREATE TRIGGER outbox_pricing_delete AFTER DELETE ON outbox BEGIN
            DELETE FROM outbox_pricing WHERE outbox_id = OLD.id;
        END;

        INSERT OR IGNORE INTO outbox_pricing (property_id, outbox_id)
        SELECT json_extract(op.value, '$.property_id'), outbox.id
        FROM outbox, json_each(CAST(outbox.change_set AS TEXT), '$.ops') AS op
        WHERE json_extract(op.value, '$.op') IN ('property.prices', 'property.price_override');
        """
}
