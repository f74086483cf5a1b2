/// The two-level cache: L1 in each worker's memory, L2 shared in Redis.
public struct CacheConfiguration: Sendable, Hashable {
    /// Memory for the in-process L1 cache of each worker; 0 turns L1 off. Default: 100 MB.
    public var l1MB: Int = 100
    /// How long cached entries live.
    public var ttl = TTL()

    public init() {}

    /// Lifetimes of cached entries, by kind.
    public struct TTL: Sendable, Hashable {
        /// Embeddings. Default: 86400 s (24 h).
        public var embeddingsS: Int = 86_400
        /// Search results for a query. Default: 3600 s (1 h).
        public var queriesS: Int = 3_600
        /// Generated answers. Default: 1800 s (30 min).
        public var answersS: Int = 1_800

        public init() {}
    }
}
