package import Store
package import Wire

/// A pull page's canonical JSON, written straight from the log's rows: `{"entries": [{"change_set": {"change_set",
/// "signature"}, "digest", "hash", "outcome", "seq", "time"}, …], "head": {…}, "next_counter"?}`, members in
/// canonical (byte) order. The same bytes as building the page as a ``JSONValue`` and encoding it (a test holds
/// both), without the tree: serving a page was mostly that tree's strings and the generic hex encoder.
///
/// Each outcome is copied as the log holds it: apply writes it as canonical JSON (``Outcome/canonicalText``).
package enum PullPageJSON {
    package static func write(_ records: [LogRecord], head: SignedHead, nextCounter: Int?) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + records.reduce(0) { $0 + $1.changeSet.count * 4 / 3 + $1.outcome.utf8.count + 420 })
        out.append(contentsOf: #"{"entries":["#.utf8)
        var time = (seconds: Int.min, text: [UInt8]())
        for (position, record) in records.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"change_set":{"change_set":""#.utf8)
            Base64.append(record.changeSet, to: &out)
            out.append(contentsOf: #"","signature":""#.utf8)
            Hex.append(record.signature, to: &out)
            out.append(contentsOf: #""},"digest":""#.utf8)
            Hex.append(record.digest, to: &out)
            out.append(contentsOf: #"","hash":""#.utf8)
            Hex.append(record.hash, to: &out)
            out.append(contentsOf: #"","outcome":"#.utf8)
            out.append(contentsOf: record.outcome.utf8)
            out.append(contentsOf: #","seq":"#.utf8)
            out.append(contentsOf: String(record.seq).utf8)
            // Entries of one page mostly share their relay second.
            if time.seconds != record.relayTime.seconds {
                time = (record.relayTime.seconds, Array(record.relayTime.description.utf8))
            }
            out.append(contentsOf: #","time":""#.utf8)
            out.append(contentsOf: time.text)
            out.append(contentsOf: #""}"#.utf8)
        }
        out.append(contentsOf: #"],"head":"#.utf8)
        out.append(contentsOf: (try? CanonicalJSON.encodeUnlimited(head.json)) ?? Array("null".utf8))
        if let nextCounter {
            out.append(contentsOf: #","next_counter":"#.utf8)
            out.append(contentsOf: String(nextCounter).utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
