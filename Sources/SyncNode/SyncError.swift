/// Why a node command failed, with the exit code of `interfaces.md`.
package struct SyncError: Error, Sendable, CustomStringConvertible {
    package let kind: Kind
    package let message: String

    package enum Kind: Sendable, Hashable {
        /// Bad input or refused by a rule (exit 1).
        case badInput
        /// The relay cannot be reached, timed out or answered 5xx; nothing local changed (exit 2).
        case unreachable
        /// Something a correct relay never produces: bad signature, broken chain, digest mismatch, fork (exit 3).
        case integrity
        /// This key is not enrolled, or was revoked (exit 4).
        case notEnrolled
        /// The log holds something this version cannot read (exit 5).
        case upgrade
    }

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package var exitCode: Int32 {
        switch kind {
        case .badInput: 1
        case .unreachable: 2
        case .integrity: 3
        case .notEnrolled: 4
        case .upgrade: 5
        }
    }

    package var description: String { message }
}
