/// Hashes in clear that stand in for private values (see "Privacy on a full replica").
package enum DerivedHashes {
    /// `txn_hash` = BLAKE2b-256(`hutsync/txn` ‖ method ‖ 0x00 ‖ normalised transaction id), lower-case hex. The id is
    /// normalised by removing ASCII whitespace and upper-casing ASCII letters.
    package static func txnHash(method: String, transactionID: String) -> String {
        let normalised = transactionID.utf8.compactMap { byte -> UInt8? in
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: nil
            case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - 0x20
            default: byte
            }
        }
        return Hex.encode(Sodium.blake2b256(Array("hutsync/txn".utf8) + Array(method.utf8) + [0] + normalised))
    }

    /// The relay's customer-ref secret: BLAKE2b-256(`hutsync/customer-ref` ‖ relay seed). Never leaves the relay.
    package static func customerRefSecret(relaySeed: [UInt8]) -> [UInt8] {
        Sodium.blake2b256(Array("hutsync/customer-ref".utf8) + relaySeed)
    }

    /// `customer_ref` = BLAKE2b-256 keyed with the secret, over channel ‖ 0x00 ‖ channel id; lower-case hex.
    package static func customerRef(secret: [UInt8], channel: String, channelID: String) -> String {
        Hex.encode(Sodium.blake2b256(Array(channel.utf8) + [0] + Array(channelID.utf8), key: secret))
    }
}
