/// The Redis keys of the shared document index. One hash tag, so every script's keys sit in one
/// cluster slot, like the queue's `drover:{rag:<type>}:` keys.
struct RAGKeys: Sendable {
    let prefix: String

    init(prefix: String) {
        self.prefix = prefix
    }

    /// The index version: INCR on every commit and delete.
    var version: String { prefix + "version" }
    /// Zset: document id → the version that last changed it (deletes included).
    var changes: String { prefix + "changes" }
    /// Set of the ids of stored documents.
    var documents: String { prefix + "docs" }
    /// Zset: encoded query → times asked, for warming new workers; expires a day after the last query.
    var popular: String { prefix + "popular" }
    /// Channel that carries the new version after each change.
    var events: String { prefix + "events" }
    /// Hash: a document's fields, chunks and vectors.
    func document(_ id: String) -> String { prefix + "doc:" + id }
    /// String with TTL: who is indexing a document.
    func lock(_ id: String) -> String { prefix + "lock:" + id }
    /// Hash with TTL: `indexing` or `failed`, and the error.
    func state(_ id: String) -> String { prefix + "state:" + id }
    /// L2 cache entries (search results, answers, query embeddings, upstream answers), each with its TTL.
    func cache(_ key: String) -> String { prefix + "cache:" + key }
    /// Integer, no TTL: the generation of a cache scope (an upstream service), part of its entries' keys.
    func generation(_ scope: String) -> String { prefix + "generation:" + scope }
}
