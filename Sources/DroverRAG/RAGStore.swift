import DroverCache

/// Where documents, chunks and vectors live so that every worker sees them and they survive
/// restarts, plus the shared (L2) cache (`SharedCacheStore`) and the per-document lock.
///
/// Implementations: `RedisRAGStore` (DroverRAGRedis) for `multi` and `distributed`, and
/// `InMemoryRAGStore` for `single` mode. Obligations:
/// - Every `commit` and `delete` advances `version` by one and records the document as changed at
///   that version, atomically, so `changes(since:)` never misses a change.
/// - A lock is held by one token at a time until released or its TTL passes.
public protocol RAGStore: SharedCacheStore {
    /// The current index version and the ids changed after `version` (committed or deleted).
    func changes(since version: Int64) async throws -> (version: Int64, changed: [String])
    /// The stored documents for `ids`; a missing entry means deleted.
    func documents(_ ids: [String]) async throws -> [String: StoredDocument]
    /// Every document id, with the version they are current at.
    func allDocumentIDs() async throws -> (version: Int64, ids: [String])
    func contentHash(of id: String) async throws -> String?

    /// Stores `document` and returns its new version.
    func commit(_ document: StoredDocument) async throws -> Int64
    /// Deletes a document; returns the new version, or `nil` if there was none.
    func delete(_ id: String) async throws -> Int64?

    /// Takes the lock of document `id` for `token` unless someone else holds it.
    func lock(_ id: String, token: String, ttlMs: Int) async throws -> Bool
    /// Releases the lock if `token` still holds it.
    func unlock(_ id: String, token: String) async throws
    /// Records that a document is being indexed, or that indexing it failed (kept for a day).
    func markState(_ id: String, state: String, error: String?, ttlMs: Int) async throws
    func documentState(_ id: String) async throws -> RAGDocumentState?

    /// Counts one more request of `query` (an opaque encoding) towards the most-asked list.
    func noteQuery(_ query: [UInt8]) async throws
    /// The most-asked queries of the last day, most asked first.
    func popularQueries(limit: Int) async throws -> [[UInt8]]
}
