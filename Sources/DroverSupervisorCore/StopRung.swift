/// A step of the stop ladder; each has its own deadline, and the last is always SIGKILL.
public enum StopRung: Int, Hashable, Comparable, Sendable {
    /// `.stop` sent over the control channel: put leases back and exit now.
    case stopRequested = 0
    /// SIGABRT: a hung process leaves a core dump that says where it hung.
    case aborted = 1
    /// SIGKILL.
    case killed = 2

    public static func < (lhs: StopRung, rhs: StopRung) -> Bool { lhs.rawValue < rhs.rawValue }
}
