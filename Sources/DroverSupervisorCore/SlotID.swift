/// A stable place in the pool (`w1`, `w2`, …); successive worker processes fill the same slot.
public struct SlotID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// 1-based, so the names operators see start at `w1`.
    public let number: Int

    public init(_ number: Int) {
        precondition(number >= 1, "slot numbers start at 1")
        self.number = number
    }

    private init(unchecked number: Int) {
        self.number = number
    }

    /// Where spare workers wait, booted, until a slot needs one; never a slot of the pool itself.
    public static let spare = SlotID(unchecked: 0)

    public var isSpare: Bool { number == 0 }

    public static func < (lhs: SlotID, rhs: SlotID) -> Bool { lhs.number < rhs.number }

    public var description: String { isSpare ? "spare" : "w\(number)" }
}
