import Synchronization

/// Hit and miss counts per cache tier, readable from any thread (for `/metrics` and heartbeats).
public final class RAGCacheCounters: Sendable {
    private let counts = Mutex(RAGCacheStats())

    public init() {}

    public var snapshot: RAGCacheStats { counts.withLock { $0 } }

    func record(_ change: (inout RAGCacheStats) -> Void) {
        counts.withLock { change(&$0) }
    }
}

/// A snapshot of cache counters since the worker started.
public struct RAGCacheStats: Sendable, Hashable {
    public var l1Hits = 0
    public var l1Misses = 0
    public var l2Hits = 0
    public var l2Misses = 0
    /// L2 reads or writes that failed (Redis unreachable); the search ran uncached.
    public var l2Errors = 0
    public var l1Bytes = 0
    public var l1Entries = 0

    public init() {}
}
