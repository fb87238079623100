/// The published test vectors of `docs/protocol.md` (committed as `docs/vectors/v1.json`), computed from fixed seeds
/// so that an independent implementation can check itself byte for byte.
package enum TestVectors {
    package static let relaySeed = [UInt8](repeating: 0x01, count: 32)
    package static let adminSeed = [UInt8](repeating: 0x02, count: 32)
    package static let ownerSeed = [UInt8](repeating: 0x03, count: 32)
    static let networkID = "6f1c2a3e-1b0d-4c5e-9a7f-2d3b4c5d6e7f"
    static let ownerID = "0b7e8c52-3f4a-4d6b-8e9c-1a2b3c4d5e6f"
    static let propertyID = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
    static let bookingID = "3a1f5c7e-9b2d-4f6a-8c0e-2b4d6f8a0c1e"
    static let blockID = "c4e6a8b0-d2f4-4a6c-9e0b-3d5f7a9c1e2b"

    /// Every vector as one JSON document.
    package static func build() throws(WireError) -> JSONValue {
        let relay = try SigningKey(seed: relaySeed)
        let admin = try SigningKey(seed: adminSeed)
        let owner = try SigningKey(seed: ownerSeed)
        let (sealVector, contact) = try sealedContact(to: [owner, admin, relay])
        let changeSets: [(String, SigningKey, ChangeSet)] = [
            ("genesis", relay, genesis(relay: relay, admin: admin)),
            ("admin-enrols-owner", admin, enrolOwner(admin: admin, owner: owner)),
            ("owner-adds-property", owner, addProperty(owner: owner)),
            ("owner-books-and-blocks", owner, book(owner: owner, contact: contact)),
        ]
        var vectors: [JSONValue] = []
        for (name, key, changeSet) in changeSets {
            vectors.append(try changeSetVector(name, key: key, changeSet))
        }
        let valid = try CanonicalJSON.encode(JSONValueEncoder.encodeForVectors(changeSets[2].2))
        let genesisBytes = try CanonicalJSON.encode(JSONValueEncoder.encodeForVectors(changeSets[0].2))
        return .object([
            JSONMember("keys", keysVector([("relay", relay), ("admin", admin), ("owner", owner)])),
            JSONMember("change_sets", .array(vectors)),
            JSONMember("refusals", .array(refusals(property: valid, genesis: genesisBytes))),
            JSONMember("sealed_box", sealVector),
            JSONMember("booking_code", bookingCodeVector()),
            JSONMember("txn_hash", txnHashVector()),
            JSONMember("request_signature", requestSignatureVector(owner)),
            JSONMember("signed_head", signedHeadVector(relay)),
        ])
    }

    private static func keysVector(_ keys: [(String, SigningKey)]) -> JSONValue {
        .array(
            keys.map { name, key in
                .object([
                    JSONMember("name", .string(name)), JSONMember("seed", .string(Hex.encode(key.seed))),
                    JSONMember("public_key", .string(key.publicKey.hex)),
                ])
            })
    }

    private static func changeSetVector(_ name: String, key: SigningKey, _ changeSet: ChangeSet) throws(WireError)
        -> JSONValue
    {
        let signed = try SignedChangeSet(signing: changeSet, with: key)
        return .object([
            JSONMember("name", .string(name)),
            JSONMember("author_seed", .string(Hex.encode(key.seed))),
            JSONMember("canonical", .string(String(decoding: signed.bytes, as: UTF8.self))),
            JSONMember("canonical_hex", .string(Hex.encode(signed.bytes))),
            JSONMember("id", .string(signed.idHex)),
            JSONMember("signature", .string(Hex.encode(signed.signature))),
            JSONMember("transport", signed.transport),
        ])
    }

    static let time = UTCTime("2026-11-25T09:30:00Z")!

    private static func genesis(relay: SigningKey, admin: SigningKey) -> ChangeSet {
        ChangeSet(
            author: relay.publicKey, counter: 1, baseSeq: 0, baseHash: [UInt8](repeating: 0, count: 32), time: time,
            ops: [
                .networkParams(
                    NetworkParams(
                        networkID: networkID, rulesVersion: 1, timeZone: "Asia/Karachi", utcOffsetMinutes: 300,
                        codePrefix: "HB")),
                .keyGrant(KeyGrant(publicKey: relay.publicKey.hex, role: "relay", label: "relay")),
                .keyGrant(KeyGrant(publicKey: admin.publicKey.hex, role: "admin", label: "first admin")),
                .platformPayee(
                    PlatformPayee(payee: PaymentAccount(method: "easypaisa", account: "03001234567", title: "HutSync"))),
            ])
    }

    private static func enrolOwner(admin: SigningKey, owner: SigningKey) -> ChangeSet {
        ChangeSet(
            author: admin.publicKey, counter: 1, baseSeq: 1, baseHash: [UInt8](repeating: 0x11, count: 32),
            time: time,
            ops: [
                .ownerPut(
                    OwnerPut(
                        ownerID: ownerID, name: "احمد علی", phone: "923001234567",
                        payment: PaymentAccount(method: "jazzcash", account: "03011234567", title: "Ahmed Ali"))),
                .keyGrant(
                    KeyGrant(publicKey: owner.publicKey.hex, role: "owner", ownerID: ownerID, label: "Ahmed's laptop")),
            ])
    }

    private static func addProperty(owner: SigningKey) -> ChangeSet {
        ChangeSet(
            author: owner.publicKey, counter: 1, baseSeq: 2, baseHash: [UInt8](repeating: 0x22, count: 32),
            time: time,
            ops: [
                .propertyPut(
                    PropertyPut(
                        propertyID: propertyID, ownerID: ownerID, name: "ساحل فارم ہاؤس", type: "farm",
                        city: "Karachi", province: "Sindh", country: "Pakistan", address: "Hawksbay Road, Plot 12",
                        description: "Pool, \"big\" lawn\n2 rooms\tBBQ — café nearby", maxGuests: 40,
                        contactPhone: "922134567890", advancePercent: 25, holdMinutes: 30)),
                .propertyPrices(
                    PropertyPrices(
                        propertyID: propertyID,
                        prices: [
                            WeeklyPrice(weekday: "mon", shift: "Day", amount: 28000),
                            WeeklyPrice(weekday: "sat", shift: "Full Night", amount: 55000),
                        ])),
            ])
    }

    private static func book(owner: SigningKey, contact: [SealedCopy]) -> ChangeSet {
        ChangeSet(
            author: owner.publicKey, counter: 2, baseSeq: 3, baseHash: [UInt8](repeating: 0x33, count: 32),
            time: time,
            ops: [
                .bookingCreate(
                    BookingCreate(
                        bookingID: bookingID, propertyID: propertyID, date: "2026-12-05", shift: "Full Night",
                        status: "Pending", source: "phone", amount: 55000, advance: 13750,
                        payee: PaymentAccount(method: "jazzcash", account: "03011234567", title: "Ahmed Ali"),
                        guests: 20, phoneMask: "567", contact: contact)),
                .slotBlock(
                    SlotBlock(
                        blockID: blockID, propertyID: propertyID, date: "2026-12-07", shift: "Day",
                        reason: "pump repair\u{1}")),
            ])
    }

    /// The contact details sealed to each key with ephemeral seeds 0xa0, 0xa1, … (in key order), plus the vector of
    /// the first copy.
    private static func sealedContact(to keys: [SigningKey]) throws(WireError) -> (JSONValue, [SealedCopy]) {
        let details = ContactDetails(name: "Bilal Khan", phone: "923331234567", cnic: "4210112345671")
        let plaintext = try CanonicalJSON.encode(JSONValueEncoder.encodeForVectors(details))
        var copies: [SealedCopy] = []
        for (index, key) in keys.map(\.publicKey).sorted().enumerated() {
            let seed = [UInt8](repeating: 0xA0 + UInt8(index), count: 32)
            copies.append(try Sealing.sealForTestVector(plaintext, to: key, ephemeralSeed: seed))
        }
        let first = copies[0]
        let recipientSeed = [relaySeed, adminSeed, ownerSeed].first {
            (try? SigningKey(seed: $0).publicKey.hex) == first.key
        }!
        let vector = JSONValue.object([
            JSONMember("recipient_seed", .string(Hex.encode(recipientSeed))),
            JSONMember("recipient_public_key", .string(first.key)),
            JSONMember("ephemeral_seed", .string(Hex.encode([UInt8](repeating: 0xA0, count: 32)))),
            JSONMember("plaintext", .string(String(decoding: plaintext, as: UTF8.self))),
            JSONMember("box", .string(first.box)),
        ])
        return (vector, copies)
    }

    private static func bookingCodeVector() -> JSONValue {
        let digest = Sodium.blake2b256(BookingCode.domain + UUIDText.bytes(bookingID)!)
        return .object([
            JSONMember("booking_id", .string(bookingID)),
            JSONMember("digest", .string(Hex.encode(digest))),
            JSONMember("crockford", .string(String(decoding: BookingCode.crockford(digest), as: UTF8.self))),
            JSONMember("candidates", .array([0, 1, 5, 6].map { .string(BookingCode.candidate($0, for: bookingID)!) })),
        ])
    }

    private static func txnHashVector() -> JSONValue {
        .object([
            JSONMember("method", .string("easypaisa")),
            JSONMember("transaction_id", .string(" 0123 abcd 9xyz ")),
            JSONMember(
                "txn_hash", .string(DerivedHashes.txnHash(method: "easypaisa", transactionID: " 0123 abcd 9xyz "))),
        ])
    }
}

extension TestVectors {
    /// A pull: a query and an empty body.
    static func requestSignatureVector(_ key: SigningKey) -> JSONValue {
        let body: [UInt8] = []
        let nonce = [UInt8](repeating: 0x5A, count: 16)
        let message = RequestSignature.message(
            method: "GET", path: "/v1/pull", query: "after=41&limit=500&wait=30", body: body, time: time,
            nonce: Hex.encode(nonce))
        let headers = RequestSignature.sign(
            method: "GET", path: "/v1/pull", query: "after=41&limit=500&wait=30", body: body, key: key, time: time,
            nonce: nonce)
        return .object(
            [
                JSONMember("seed", .string(Hex.encode(key.seed))), JSONMember("method", .string("GET")),
                JSONMember("path", .string("/v1/pull")), JSONMember("query", .string("after=41&limit=500&wait=30")),
                JSONMember("body", .string(String(decoding: body, as: UTF8.self))),
                JSONMember("message_hex", .string(Hex.encode(message))),
            ] + headers.map { JSONMember($0.name.lowercased().replacingDashes(), .string($0.value)) })
    }

    static func signedHeadVector(_ relay: SigningKey) -> JSONValue {
        let head = SignedHead(
            seq: 42, hash: [UInt8](repeating: 0xAB, count: 32), digest: [UInt8](repeating: 0xCD, count: 32),
            signedBy: relay)
        return .object([
            JSONMember("relay_seed", .string(Hex.encode(relay.seed))),
            JSONMember(
                "message_hex",
                .string(Hex.encode(SignedHead.message(seq: head.seq, hash: head.hash, digest: head.digest)))),
            JSONMember("head", head.json),
        ])
    }
}

extension String {
    fileprivate func replacingDashes() -> String { String(map { $0 == "-" ? "_" : $0 }) }
}

extension JSONValueEncoder {
    /// Encoding for the vector builder: the vector types always encode, so a failure is a programming error.
    static func encodeForVectors(_ value: some Encodable) -> JSONValue {
        do { return try encode(value) } catch { preconditionFailure("vector value does not encode: \(error)") }
    }
}
