import DroverCache
import DroverJSON

/// The RAG pipeline of one worker: its in-memory index (kept in step with the store), its L1
/// cache, and the operations the job handlers call. Knows nothing of processes or Redis keys.
///
/// Every read first asks the store which documents changed since the index's version (one small
/// round trip, never a scan), so a search that starts after an index job completed sees it on any
/// worker; invalidation events (`refresh()`) keep that delta small. Cache keys carry the index
/// version, so no cached result outlives the index it was computed from.
public actor RAGEngine {
    public nonisolated let store: any RAGStore
    public nonisolated let embedder: any Embedder
    public nonisolated let generator: any AnswerGenerator
    public nonisolated let configuration: RAGConfiguration
    /// L1 and L2; the `http` handlers of the same worker share it, and its L1 budget.
    public nonisolated let cache: TwoTierCache
    public nonisolated var counters: CacheTierCounters { cache.counters }

    var index: RAGIndex
    /// The store version the index reflects; -1 before the first load.
    var version: Int64 = -1
    /// Versions at which documents were removed here, so a slower refresh cannot bring one back.
    private var removedAt: [String: Int64] = [:]

    /// - Parameter cache: the worker's cache when others share it; by default one of
    ///   `configuration.l1Bytes` over `store`.
    public init(store: any RAGStore, embedder: any Embedder = HashingEmbedder(),
                generator: any AnswerGenerator = ExtractiveGenerator(), configuration: RAGConfiguration = .init(),
                cache: TwoTierCache? = nil) {
        self.store = store
        self.embedder = embedder
        self.generator = generator
        self.configuration = configuration
        self.index = RAGIndex(dimensions: embedder.dimensions)
        self.cache = cache ?? TwoTierCache(l1Bytes: configuration.l1Bytes, shared: store)
    }

    /// Documents and chunks in this worker's index.
    public var size: (documents: Int, chunks: Int) { (index.documentCount, index.chunkCount) }

    /// This worker's index as it is now (a copy-on-write value), for evaluation and benchmarks.
    public var indexSnapshot: RAGIndex { index }

    /// The store version this worker's index reflects; -1 before the first load.
    public var indexVersion: Int64 { version }

    /// Brings the index up to the store's current version: everything on the first call, then only
    /// the documents changed since. Called before every read and on each invalidation event.
    public func refresh() async throws {
        if version < 0 {
            let (current, ids) = try await store.allDocumentIDs()
            try await apply(ids.map { ($0, current) }, upTo: current)
        } else {
            let (current, changed) = try await store.changes(since: version)
            guard current > version else { return }
            try await apply(changed.map { ($0, current) }, upTo: current)
        }
    }

    private func apply(_ changed: [(id: String, version: Int64)], upTo current: Int64) async throws {
        // In slices, so a cold start of a large index does not build one enormous reply.
        var position = 0
        while position < changed.count {
            let slice = Array(changed[position..<min(position + 200, changed.count)])
            position += slice.count
            let fetched = try await store.documents(slice.map(\.id))
            for (id, seenAt) in slice {
                let known = max(index.version(of: id) ?? -1, removedAt[id] ?? -1)
                if let document = fetched[id] {
                    if document.version > known { index.upsert(document) }
                } else if seenAt > known {
                    index.remove(id)
                    removedAt[id] = seenAt
                }
            }
        }
        if current > version {
            version = current
            // Every cached result names an older version now; drop them rather than wait for the LRU.
            cache.removeAllL1()
        }
    }

    /// The processing state of one document, for `GET /api/rag/documents/{id}`; `nil` if unknown.
    public nonisolated func documentState(_ id: String) async throws -> RAGDocumentState? {
        try await store.documentState(id)
    }

    /// Applies a document this worker just committed, without waiting for the event.
    func applyCommitted(_ document: StoredDocument) {
        let known = max(index.version(of: document.id) ?? -1, removedAt[document.id] ?? -1)
        if document.version > known { index.upsert(document) }
    }

    func applyDeleted(_ id: String, at deletedAt: Int64) {
        if deletedAt > max(index.version(of: id) ?? -1, removedAt[id] ?? -1) {
            index.remove(id)
            removedAt[id] = deletedAt
        }
    }
}
