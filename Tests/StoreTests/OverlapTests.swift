import GRDB
import Store
import TestSupport
import Testing

/// The unit rule, exhaustively, against an independent model: each shift as a window of local time.
@Suite struct OverlapTests {
    /// [start, end) in hours from D 00:00 (domain.md's shift table).
    static func window(_ shift: Shift, dayOffset: Int) -> Range<Int> {
        let base = dayOffset * 24
        switch shift {
        case .day: return (base + 8)..<(base + 18)
        case .night: return (base + 20)..<(base + 30)
        case .fullDay: return (base + 8)..<(base + 30)
        case .fullNight: return (base + 20)..<(base + 42)
        }
    }

    static let dates = ["2026-12-04": -1, "2026-12-05": 0, "2026-12-06": 1]

    enum Kind: CaseIterable { case booking, block }

    /// Every pair of shifts on D−1, D, D+1, for every pair of holder kinds: the second is Conflicted (a booking) or
    /// refused `slot.taken` (a block) exactly when the windows overlap, and availability agrees before it.
    @Test(arguments: Kind.allCases, Kind.allCases)
    func everyPairOfShiftsOnNeighbouringDates(firstKind: Kind, secondKind: Kind) throws {
        var harness = try StoreHarness()
        var number = 0
        for first in Shift.allCases {
            for second in Shift.allCases {
                for (date, offset) in Self.dates.sorted(by: { $0.value < $1.value }) {
                    number += 1
                    let property = TestID.uuid(number, kind: 0xB)
                    try harness.addProperty(property)
                    let expectConflict = Self.window(first, dayOffset: 0).overlaps(
                        Self.window(second, dayOffset: offset))
                    let context = "\(firstKind) \(first) then \(secondKind) \(second) on \(date)"

                    let firstID = TestID.uuid(number, kind: 0x1)
                    let firstOp =
                        firstKind == .booking
                        ? Catalogue.book(firstID, property: property, date: "2026-12-05", shift: first)
                        : Catalogue.block(firstID, property: property, date: "2026-12-05", shift: first)
                    #expect(try harness.apply([firstOp], by: harness.ownerA) == .applied)
                    let holder: String =
                        firstKind == .booking ? try #require(try harness.booking(firstID))["code"] : "block:\(firstID)"
                    let heldState: SlotState = firstKind == .booking ? .held(codes: [holder]) : .blocked
                    #expect(
                        try harness.shiftState(property, date, second)
                            == (expectConflict ? heldState : .free(price: 20000)), "\(context)")

                    let secondID = TestID.uuid(number, kind: 0x2)
                    if secondKind == .booking {
                        let outcome = try harness.apply(
                            [Catalogue.book(secondID, property: property, date: date, shift: second)],
                            by: harness.ownerA)
                        let row = try #require(try harness.booking(secondID))
                        #expect(outcome == (expectConflict ? .conflicted : .applied), "\(context)")
                        #expect(row["status"] == (expectConflict ? "Conflicted" : "Pending"), "\(context)")
                        #expect(
                            row["conflict_with"] as String? == (expectConflict ? "[\"\(holder)\"]" : nil), "\(context)")
                    } else {
                        let outcome = try harness.apply(
                            [Catalogue.block(secondID, property: property, date: date, shift: second)],
                            by: harness.ownerA)
                        let refused = Outcome.rejected(Rejection(op: 0, reason: .slotTaken, holders: [holder]))
                        #expect(outcome == (expectConflict ? refused : .applied), "\(context)")
                    }
                }
            }
        }
        #expect(number == 48)
    }

    @Test func blocksAgainstBookingsAndBlocks() throws {
        var harness = try StoreHarness()
        let property = TestID.uuid(1, kind: 0xB)
        try harness.addProperty(property)
        let block = TestID.uuid(1, kind: 0xC)
        #expect(
            try harness.apply(
                [Catalogue.block(block, property: property, date: "2026-12-05", shift: .night)], by: harness.ownerA)
                == .applied)
        #expect(try harness.shiftState(property, "2026-12-05", .night) == .blocked)
        #expect(try harness.shiftState(property, "2026-12-05", .day) == .free(price: 20000))
        #expect(try harness.shiftState(property, "2026-12-04", .fullNight) == .free(price: 20000))

        // A booking over a block is Conflicted with the block as winner.
        let booking = TestID.uuid(1, kind: 0x1)
        #expect(
            try harness.apply(
                [Catalogue.book(booking, property: property, date: "2026-12-05", shift: .fullDay)], by: harness.ownerA)
                == .conflicted)
        #expect(try harness.booking(booking)?["conflict_with"] == "[\"block:\(block)\"]")

        // A block over a block, or over a booking, is refused slot.taken naming the holders; it displaces nothing.
        let second = TestID.uuid(2, kind: 0xC)
        #expect(
            try harness.apply(
                [Catalogue.block(second, property: property, date: "2026-12-05", shift: .fullDay)], by: harness.ownerA)
                == .rejected(Rejection(op: 0, reason: .slotTaken, holders: ["block:\(block)"])))
        let held = TestID.uuid(2, kind: 0x1)
        try harness.apply(
            [Catalogue.book(held, property: property, date: "2026-12-06", shift: .day)], by: harness.ownerA)
        let heldCode: String = try #require(try harness.booking(held))["code"]
        #expect(
            try harness.apply(
                [Catalogue.block(second, property: property, date: "2026-12-05", shift: .fullNight)], by: harness.ownerA
            )
                == .rejected(Rejection(op: 0, reason: .slotTaken, holders: ["block:\(block)", heldCode])))
        #expect(try harness.booking(held)?["status"] == "Pending")
    }

    @Test func conflictWithListsEachHolderOnceInUnitOrder() throws {
        var harness = try StoreHarness()
        let property = TestID.uuid(1, kind: 0xB)
        try harness.addProperty(property)
        let night = TestID.uuid(1, kind: 0x1)
        let nextDay = TestID.uuid(2, kind: 0x1)
        try harness.apply(
            [Catalogue.book(nextDay, property: property, date: "2026-12-06", shift: .day)], by: harness.ownerA)
        try harness.apply(
            [Catalogue.book(night, property: property, date: "2026-12-05", shift: .night)], by: harness.ownerA)
        let codes = try [night, nextDay].map { (id: String) -> String in try #require(try harness.booking(id))["code"] }
        let loser = TestID.uuid(3, kind: 0x1)
        #expect(
            try harness.apply(
                [Catalogue.book(loser, property: property, date: "2026-12-05", shift: .fullNight)], by: harness.ownerA)
                == .conflicted)
        // Full Night lists D/night first, then (D+1)/day — not log order.
        #expect(try harness.booking(loser)?["conflict_with"] == "[\"\(codes[0])\",\"\(codes[1])\"]")
        #expect(try harness.shiftState(property, "2026-12-05", .fullNight) == .held(codes: codes))
    }

    @Test func availabilityPrecedenceForTwoUnitShifts() throws {
        var harness = try StoreHarness()
        let property = TestID.uuid(1, kind: 0xB)
        try harness.addProperty(property, priced: false)
        let block = TestID.uuid(1, kind: 0xC)
        try harness.apply(
            [Catalogue.block(block, property: property, date: "2026-12-05", shift: .day)], by: harness.ownerA)
        // No price anywhere: the blocked unit wins over no_price; the untouched shift is no_price.
        #expect(try harness.shiftState(property, "2026-12-05", .fullDay) == .blocked)
        #expect(try harness.shiftState(property, "2026-12-05", .night) == .noPrice)
        let booking = TestID.uuid(1, kind: 0x1)
        try harness.apply(
            [Catalogue.book(booking, property: property, date: "2026-12-05", shift: .night)], by: harness.ownerA)
        let code: String = try #require(try harness.booking(booking))["code"]
        // Held beats blocked.
        #expect(try harness.shiftState(property, "2026-12-05", .fullDay) == .held(codes: [code]))
    }

    @Test func theUniqueIndexHoldsWhenTheCodeIsBypassed() throws {
        var harness = try StoreHarness()
        let property = TestID.uuid(1, kind: 0xB)
        try harness.addProperty(property)
        try harness.apply(
            [Catalogue.book(TestID.uuid(1, kind: 1), property: property, date: "2026-12-05", shift: .day)],
            by: harness.ownerA)
        #expect(throws: DatabaseError.self) {
            try harness.store.writer.write { db in
                try db.execute(
                    sql: "INSERT INTO occupancy VALUES (?, '2026-12-05', 0, 'block', 'intruder')", arguments: [property]
                )
            }
        }
        let count = try harness.store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM occupancy") }
        #expect(count == 1)
    }
}

/// Availability and quotes answer by index lookups, never by scanning a table.
@Suite struct QueryPlanTests {
    @Test func availabilityQueriesUseIndexes() throws {
        let harness = try StoreHarness()
        let plans = try harness.store.writer.read { db in
            try [Availability.occupancySQL, Availability.weeklySQL, Availability.overridesSQL].map { sql in
                let placeholders = sql.filter { $0 == "?" }.count
                let arguments = StatementArguments(Array(["p", "2026-12-01", "2026-12-08"].prefix(placeholders)))
                return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments)
                    .map { $0["detail"] as String }.joined(separator: "; ")
            }
        }
        for plan in plans {
            #expect(!plan.contains("SCAN"), "\(plan)")
            #expect(plan.contains("USING"), "\(plan)")
        }
    }
}
