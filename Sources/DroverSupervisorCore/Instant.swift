/// A point on the supervisor's monotonic clock, in milliseconds; the core never reads a clock itself.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since an arbitrary, fixed origin (the process side uses its monotonic clock's).
    public var milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    public static let zero = Instant(milliseconds: 0)

    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    public static func + (lhs: Instant, rhs: Int64) -> Instant {
        Instant(milliseconds: lhs.milliseconds &+ rhs)
    }

    public static func - (lhs: Instant, rhs: Int64) -> Instant {
        Instant(milliseconds: lhs.milliseconds &- rhs)
    }

    /// The milliseconds from `rhs` to `lhs`; negative when `lhs` is earlier.
    public static func - (lhs: Instant, rhs: Instant) -> Int64 {
        lhs.milliseconds &- rhs.milliseconds
    }

    public var description: String { "\(milliseconds)ms" }
}
