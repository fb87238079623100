package import GRDB
package import Store
package import Wire

extension NodeFolder {
    /// One local write: the node must be enrolled; the change set is checked against the local view, signed and
    /// kept in the outbox, or refused with the reason and nothing written.
    package func write(_ operations: [Operation], refuseConflicts: Bool = false) throws(SyncError)
        -> (SignedChangeSet, Outcome)
    {
        let (signed, outcome, _) = try write(operations, refuseConflicts: refuseConflicts, readBack: { _ in () })
        return (signed, outcome)
    }

    /// The same, with `readBack` run on the local view with the write in it, in the write's transaction (the
    /// enrolment check and the clock offset are read there too: a local write is one transaction).
    package func write<T>(
        _ operations: [Operation], refuseConflicts: Bool = false, readBack: (Database) throws -> T
    ) throws(SyncError) -> (SignedChangeSet, Outcome, T) {
        let (key, store) = try open()
        do {
            return try store.write(
                operations, key: key,
                now: { db in
                    let enrolment = try ReplicaStore.enrolment(db, of: key.publicKey)
                    guard let enrolment, !enrolment.revoked else {
                        throw SyncError(
                            .notEnrolled,
                            enrolment == nil
                                ? "this node's key is not enrolled yet: ask an admin to grant \(key.publicKey.hex), then `hutsync node sync`"
                                : "this node's key was revoked")
                    }
                    return UTCTime(seconds: UTCTime.now().seconds + (try ReplicaStore.clockOffset(db)))
                },
                refuseConflicts: refuseConflicts, readBack: readBack)
        } catch let error as SyncError {
            throw error
        } catch let rejection as Rejection {
            throw SyncError(.badInput, Self.explain(rejection))
        } catch {
            throw SyncError(.badInput, "cannot write: \(error)")
        }
    }

    /// One line for a refused write: the reason, and the field or the holders when there are.
    static func explain(_ rejection: Rejection) -> String {
        var text = "refused: \(rejection.reason)"
        if let field = rejection.field { text += " (\(field))" }
        if !rejection.holders.isEmpty { text += " — held by \(rejection.holders.joined(separator: ", "))" }
        return text
    }
}

/// Phone numbers as stored: digits with the country code, no `+` (`03001234567`, `+92 300 1234567` and
/// `923001234567` are all `923001234567`). Foreign numbers in E.164 form keep their country code.
package enum Phone {
    package static func normalise(_ text: String) -> String? {
        let kept = text.filter { !" -().".contains($0) }
        var digits: String
        if kept.hasPrefix("+") {
            digits = String(kept.dropFirst())
        } else if kept.hasPrefix("00") {
            digits = String(kept.dropFirst(2))
        } else if kept.hasPrefix("0"), kept.count == 11 {
            digits = "92" + kept.dropFirst()
        } else {
            digits = kept
        }
        guard (7...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return digits
    }
}
