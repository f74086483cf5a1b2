/// The shared (L2) tier: entries every worker sees, each with its own lifetime, and generation
/// counters that retire a whole scope of entries at once.
///
/// Implementations: `RedisRAGStore` (DroverRAGRedis) and `InMemoryRAGStore` (DroverRAG).
public protocol SharedCacheStore: Sendable {
    /// The entry under `key` with its remaining lifetime; `nil` when absent or expired.
    func cachedValue(_ key: String) async throws -> SharedCacheEntry?
    func cache(_ value: [UInt8], for key: String, ttlSeconds: Int) async throws
    /// The generation of `scope`: 0 until first advanced. Callers put it in their keys.
    func generation(of scope: String) async throws -> Int64
    /// Advances the generation of `scope`, so every key built from an older one is never read again.
    func advanceGeneration(of scope: String) async throws -> Int64
}
