package import Store
package import Wire

extension NodeFolder {
    /// The booking a code names, in the local view.
    package func booking(code text: String) throws(SyncError) -> BookingRecord {
        let code: String
        do { code = try BookingCode.parse(text) } catch { throw SyncError(.badInput, error.message) }
        let (_, store) = try open()
        let now = now(store)
        guard let record = try read({ try store.localBookings(code: code, now: now).first }) else {
            throw SyncError(.badInput, "no booking has the code \(code)")
        }
        return record
    }

    /// One lifecycle change of the booking `code` names; returns the booking object after the local change.
    package func change(code: String, _ makeOperation: (BookingRecord) throws(SyncError) -> Operation) throws(SyncError)
        -> JSONValue
    {
        let record = try booking(code: code)
        _ = try write([try makeOperation(record)])
        let (key, store) = try open()
        let now = now(store)
        let updated = try read { try store.localBookings(code: record.code, now: now).first } ?? record
        return bookingObject(updated, store: store, key: key, now: now)
    }

    /// `node payment`: a typed proof — the transaction id sealed, its hash in clear.
    package func recordPayment(code: String, transactionID: String, amount: Int, method: String?) throws(SyncError)
        -> JSONValue
    {
        let (_, store) = try open()
        return try change(code: code) { record throws(SyncError) in
            let quote = try read {
                try store.localQuote(
                    propertyID: record.propertyID, date: CalendarDate(record.date)!,
                    shift: Shift(rawValue: record.shift)!, now: now(store))
            }
            let method = method ?? quote?.payee?.method ?? "easypaisa"
            let recipients = try read {
                try store.localSealingRecipients(propertyID: record.propertyID, now: now(store))
            }
            let sealed = try read {
                try PrivateDetails.seal(ProofDetails(transactionID: transactionID), to: recipients)
            }
            return .bookingPayment(
                BookingPayment(
                    proofID: UUIDText.timeOrdered(), bookingID: record.id, method: method, amount: amount,
                    txnHash: DerivedHashes.txnHash(method: method, transactionID: transactionID), sealed: sealed))
        }
    }
}
