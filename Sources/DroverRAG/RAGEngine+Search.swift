import DroverCache
import DroverJSON

/// One query as a job states it: text, caller, options.
public struct RAGQuery: Sendable, Hashable {
    public var text: String
    public var caller: RAGCaller
    public var options: SearchOptions
    public var retriever: Retriever

    public init(text: String, caller: RAGCaller = .init(), options: SearchOptions = .init(), retriever: Retriever = .hybrid) {
        self.text = text
        self.caller = caller
        self.options = options
        self.retriever = retriever
    }
}

extension RAGEngine {
    /// `search`: `{hits: [{documentId, chunkId, score, text}]}`, through the L1 and L2 caches.
    public func search(_ query: RAGQuery) async throws -> JSONValue {
        try await refresh()
        let key = cacheKey("s", query)
        let ttl = configuration.queriesTTLSeconds
        if let cached = await cache.value(for: key, maxL1Seconds: ttl, decode: Self.json) { return cached }
        await note(query, asks: false)
        let hits = try await rank(query)
        let result = JSONValue.object(["hits": .array(hits.map(\.json))])
        await remember(result, key: key, ttlSeconds: ttl)
        return result
    }

    /// `ask`: search, then the generator; `{answer, citations, partial}`. Partial answers are not cached.
    public func ask(_ query: RAGQuery, deadline: ContinuousClock.Instant) async throws -> JSONValue {
        try await refresh()
        let key = cacheKey("a:" + generator.name, query)
        let ttl = configuration.answersTTLSeconds
        if let cached = await cache.value(for: key, maxL1Seconds: ttl, decode: Self.json) { return cached }
        await note(query, asks: true)
        let hits = try await rank(query)
        let answer = try await generator.answer(query: query.text, passages: hits, deadline: deadline)
        if !answer.partial {
            await remember(answer.json, key: key, ttlSeconds: ttl)
        }
        return answer.json
    }

    /// The ranked hits of one query against the current index, uncached (for evaluation and benchmarks).
    public func rank(_ query: RAGQuery) async throws -> [SearchHit] {
        let vector = query.retriever == .keyword ? [] : try await queryVector(query.text)
        return index.search(text: query.text, vector: vector, caller: query.caller, options: query.options,
                            retriever: query.retriever, fusion: configuration.fusion)
    }

    /// The query's embedding, cached in both tiers when the embedder is worth caching.
    private func queryVector(_ text: String) async throws -> [Float] {
        guard embedder.cachesQueries else { return try await embedder.embed([text])[0] }
        var hasher = ContentHasher()
        hasher.add(text)
        let key = "e:\(embedder.name):\(hasher.hexDigest)"
        let dimensions = embedder.dimensions
        let ttl = configuration.embeddingsTTLSeconds
        let cached = await cache.value(for: key, maxL1Seconds: ttl) { bytes -> [Float]? in
            guard bytes.count == dimensions * 4 else { return nil }
            return bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }
        if let cached { return cached }
        let vector = try await embedder.embed([text])[0]
        await cache.remember(vector.withUnsafeBytes { Array($0) }, for: key, ttlSeconds: ttl)
        return vector
    }

    private func cacheKey(_ kind: String, _ query: RAGQuery) -> String {
        var hasher = ContentHasher()
        hasher.add(query.text)
        hasher.add(query.caller.cacheKey)
        hasher.add(query.options.cacheKey + "/" + query.retriever.rawValue + "/" + embedder.name)
        return "\(kind):\(version):\(hasher.hexDigest)"
    }

    private static func json(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONValue(parsing: bytes)
    }

    /// Stores in both tiers. The key was computed before ranking, and versions only grow, so a value
    /// is never filed under a newer version than the index it came from.
    private func remember(_ value: JSONValue, key: String, ttlSeconds: Int) async {
        var bytes: [UInt8] = []
        value.write(into: &bytes, sortedKeys: false)
        await cache.remember(bytes, for: key, ttlSeconds: ttlSeconds)
    }
}
