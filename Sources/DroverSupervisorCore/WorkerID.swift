/// One worker process's identity, generated before it is spawned; its leases carry this id.
///
/// The form is `[instance-]w<slot>.<generation>`, e.g. `w2.5` or `host1-4711-w2.5`. The core
/// makes it before the spawn because the worker needs it to lease jobs from its first moment, and
/// the instance prefix keeps ids unique across hosts and supervisor restarts sharing one Redis.
public struct WorkerID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public static func < (lhs: WorkerID, rhs: WorkerID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { rawValue }
}
