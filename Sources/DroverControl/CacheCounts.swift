/// A worker's RAG cache hits and misses per tier since it started, carried in its heartbeats so the
/// supervisor's `/metrics` can show them.
public struct CacheCounts: Hashable, Sendable {
    public var l1Hits: Int
    public var l1Misses: Int
    public var l2Hits: Int
    public var l2Misses: Int

    public init(l1Hits: Int = 0, l1Misses: Int = 0, l2Hits: Int = 0, l2Misses: Int = 0) {
        self.l1Hits = l1Hits
        self.l1Misses = l1Misses
        self.l2Hits = l2Hits
        self.l2Misses = l2Misses
    }
}
