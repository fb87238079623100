import GRDB
package import Wire

/// A customer's details as one reader may see them: opened where the reader's key holds a sealed copy, else
/// "(private)"; a CNIC the reader can open but whose property it does not own is masked.
package struct CustomerView: Sendable, Hashable {
    package static let hidden = "(private)"
    package var name: String
    package var phone: String
    package var cnic: String?
    /// Whether the reader could open the details at all.
    package var opened: Bool

    package init(name: String, phone: String, cnic: String?, opened: Bool) {
        self.name = name
        self.phone = phone
        self.cnic = cnic
        self.opened = opened
    }
}

extension ReplicaStore {
    /// Who may read a property's private booking data, as this replica knows it: the keys of the property's owner,
    /// every admin key and the relay key — unrevoked — in byte order. Writers seal to exactly these.
    package func sealingRecipients(propertyID: String) throws -> [PublicKey] {
        try writer.read { db in try Self.recipients(db, propertyID: propertyID) }
    }

    /// The same in the local view: a node sealing a booking of a property still in its outbox includes the owner.
    package func localSealingRecipients(propertyID: String, now: UTCTime) throws -> [PublicKey] {
        try withLocalView(now: now) { db in try Self.recipients(db, propertyID: propertyID) }
    }

    static func recipients(_ db: Database, propertyID: String) throws -> [PublicKey] {
        try String.cachedAll(
            db,
            sql: """
                SELECT k.public_key FROM keys k
                WHERE k.revoked_seq IS NULL AND (k.role IN ('admin', 'relay')
                    OR (k.role = 'owner' AND k.owner_id = (SELECT owner_id FROM properties WHERE id = ?)))
                ORDER BY k.public_key
                """,
            arguments: [propertyID]
        ).map { try PublicKey(hex: $0) }
    }

    /// The booking's customer details as `reader` may see them, or nil for an unknown booking.
    package func customer(ofBooking bookingID: String, reader: SigningKey) throws -> CustomerView? {
        try writer.read { db in try CustomerView.read(db, bookingID: bookingID, reader: reader) }
    }
}

extension CustomerView {
    static func read(_ db: Database, bookingID: String, reader: SigningKey) throws -> CustomerView? {
        guard
            let row = try Row.cachedOne(
                db,
                sql: """
                    SELECT b.contact, b.phone_mask, k.owner_id AS reader_owner, p.owner_id AS property_owner
                    FROM bookings b JOIN properties p ON p.id = b.property_id
                    LEFT JOIN keys k ON k.public_key = ?
                    WHERE b.id = ?
                    """,
                arguments: [reader.publicKey.hex, bookingID])
        else { return nil }
        let mask: String? = row["phone_mask"]
        let copies = try PrivateDetails.copies(row["contact"])
        guard let details = PrivateDetails.open(ContactDetails.self, from: copies, reader: reader) else {
            return CustomerView(
                name: CustomerView.hidden, phone: mask.map { "*******" + $0 } ?? CustomerView.hidden,
                cnic: CustomerView.hidden, opened: false)
        }
        let ownsProperty = (row["reader_owner"] as String?) == (row["property_owner"] as String)
        return CustomerView(
            name: details.name, phone: details.phone ?? CustomerView.hidden,
            cnic: details.cnic.map { ownsProperty ? CNIC.display($0) : CNIC.masked($0) }, opened: true)
    }
}

/// The national id: 13 digits, shown `XXXXX-XXXXXXX-X`, masked `XXXXX-*******-X`.
package enum CNIC {
    /// The 13 digits of `text` after removing dashes and spaces, or nil.
    package static func normalise(_ text: String) -> String? {
        let digits = text.filter { $0 != "-" && $0 != " " }
        return digits.count == 13 && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber) ? digits : nil
    }

    package static func display(_ digits: String) -> String {
        let characters = Array(digits)
        guard characters.count == 13 else { return digits }
        return String(characters[0..<5]) + "-" + String(characters[5..<12]) + "-" + String(characters[12])
    }

    package static func masked(_ digits: String) -> String {
        let characters = Array(digits)
        guard characters.count == 13 else { return CustomerView.hidden }
        return String(characters[0..<5]) + "-*******-" + String(characters[12])
    }
}

/// Sealing private details (``ContactDetails``, ``ProofDetails``) as canonical JSON, and opening them.
package enum PrivateDetails {
    /// One sealed copy per recipient of the canonical JSON of `details`.
    package static func seal(_ details: some Encodable, to recipients: [PublicKey]) throws -> [SealedCopy] {
        try Sealing.seal(try CanonicalJSON.encode(try JSONValueEncoder.encode(details)), to: recipients)
    }

    /// The details in the copy addressed to `reader`, or nil when there is none or it does not open.
    package static func open<T: Decodable>(_ type: T.Type, from copies: [SealedCopy], reader: SigningKey) -> T? {
        guard let plaintext = try? Sealing.open(copies, with: reader),
            let value = try? CanonicalJSON.decode(plaintext)
        else { return nil }
        return try? JSONValueDecoder.decode(type, from: value)
    }

    /// Sealed copies as the store keeps them (canonical JSON text).
    static func copies(_ text: String) throws -> [SealedCopy] {
        try JSONValueDecoder.decode([SealedCopy].self, from: try CanonicalJSON.decode(Array(text.utf8)))
    }
}

/// A booking's current payment proof as one reader may see it.
package struct ProofView: Sendable, Hashable {
    package var method: String
    /// The extracted amount when one was read, else the typed one.
    package var amount: Int?
    /// The transaction id as read or typed, or "(private)" when the reader cannot open it (nil when none is known).
    package var transactionID: String?
    package var warnings: [String]
    /// The code of the booking whose proof used the same transaction id first.
    package var duplicateOf: String?
}

extension ReplicaStore {
    /// The booking's current proof as `reader` may see it, or nil when it has none.
    package func currentProof(ofBooking bookingID: String, reader: SigningKey) throws -> ProofView? {
        try writer.read { db in try ProofView.read(db, bookingID: bookingID, reader: reader) }
    }

    /// The same in the local view.
    package func localCurrentProof(ofBooking bookingID: String, reader: SigningKey, now: UTCTime) throws -> ProofView? {
        try withLocalView(now: now) { db in try ProofView.read(db, bookingID: bookingID, reader: reader) }
    }
}

extension ProofView {
    static func read(_ db: Database, bookingID: String, reader: SigningKey) throws -> ProofView? {
        guard
            let row = try Row.cachedOne(
                db, sql: "SELECT p.* FROM payment_proofs p JOIN bookings b ON b.current_proof = p.id WHERE b.id = ?",
                arguments: [bookingID])
        else { return nil }
        let typed = PrivateDetails.open(
            ProofDetails.self, from: try PrivateDetails.copies(row["sealed"]), reader: reader)
        let extracted = try (row["extracted_sealed"] as String?).flatMap {
            PrivateDetails.open(ProofDetails.self, from: try PrivateDetails.copies($0), reader: reader)
        }
        let hasTransaction = (row["effective_txn_hash"] as String?) != nil
        let opened = extracted?.transactionID ?? typed?.transactionID
        let warnings = try JSONValueDecoder.decode(
            [String].self, from: try CanonicalJSON.decode(Array((row["warnings"] as String).utf8)))
        return ProofView(
            method: row["method"], amount: (row["extracted_amount"] as Int?) ?? row["amount"],
            transactionID: opened ?? (hasTransaction ? CustomerView.hidden : nil), warnings: warnings,
            duplicateOf: row["duplicate_of"])
    }
}
