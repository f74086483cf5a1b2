/// A snapshot of cache counters since the worker started.
public struct CacheTierStats: Sendable, Hashable {
    public var l1Hits = 0
    public var l1Misses = 0
    public var l2Hits = 0
    public var l2Misses = 0
    /// L2 reads or writes that failed (Redis unreachable); the work ran uncached.
    public var l2Errors = 0
    public var l1Bytes = 0
    public var l1Entries = 0

    public init() {}
}
