package import Store
package import Wire

extension NodeFolder {
    /// One local write: the node must be enrolled; the change set is checked against the local view, signed and
    /// kept in the outbox, or refused with the reason and nothing written.
    package func write(_ operations: [Operation], refuseConflicts: Bool = false) throws(SyncError)
        -> (SignedChangeSet, Outcome)
    {
        let (key, store) = try open()
        let enrolment: (role: String, ownerID: String?, revoked: Bool)?
        do { enrolment = try store.enrolment(of: key.publicKey) } catch {
            throw SyncError(.badInput, "cannot read this node's store: \(error)")
        }
        guard let enrolment, !enrolment.revoked else {
            throw SyncError(
                .notEnrolled,
                enrolment == nil
                    ? "this node's key is not enrolled yet: ask an admin to grant \(key.publicKey.hex), then `hutsync node sync`"
                    : "this node's key was revoked")
        }
        let offset = (try? store.meta("clock_offset_s")).flatMap { Int($0 ?? "") } ?? 0
        do {
            return try store.write(
                operations, key: key, now: UTCTime(seconds: UTCTime.now().seconds + offset),
                refuseConflicts: refuseConflicts)
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
