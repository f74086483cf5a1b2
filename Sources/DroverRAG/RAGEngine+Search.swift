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
        if let cached = await cachedJSON(key) { return cached }
        await note(query, asks: false)
        let hits = try await rank(query)
        let result = JSONValue.object(["hits": .array(hits.map(\.json))])
        await remember(result, key: key, ttlSeconds: configuration.queriesTTLSeconds)
        return result
    }

    /// `ask`: search, then the generator; `{answer, citations, partial}`. Partial answers are not cached.
    public func ask(_ query: RAGQuery, deadline: ContinuousClock.Instant) async throws -> JSONValue {
        try await refresh()
        let key = cacheKey("a:" + generator.name, query)
        if let cached = await cachedJSON(key) { return cached }
        await note(query, asks: true)
        let hits = try await rank(query)
        let answer = try await generator.answer(query: query.text, passages: hits, deadline: deadline)
        if !answer.partial {
            await remember(answer.json, key: key, ttlSeconds: configuration.answersTTLSeconds)
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
        if let bytes = await cachedBytes(key), bytes.count == embedder.dimensions * 4 {
            return bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }
        let vector = try await embedder.embed([text])[0]
        let bytes = vector.withUnsafeBytes { Array($0) }
        await rememberBytes(bytes, key: key, ttlSeconds: configuration.embeddingsTTLSeconds)
        return vector
    }

    private func cacheKey(_ kind: String, _ query: RAGQuery) -> String {
        var hasher = ContentHasher()
        hasher.add(query.text)
        hasher.add(query.caller.cacheKey)
        hasher.add(query.options.cacheKey + "/" + query.retriever.rawValue + "/" + embedder.name)
        return "\(kind):\(version):\(hasher.hexDigest)"
    }

    private func cachedJSON(_ key: String) async -> JSONValue? {
        guard let bytes = await cachedBytes(key) else { return nil }
        return try? JSONValue(parsing: bytes)
    }

    /// L1, then L2 (filling L1 on an L2 hit). A failing L2 counts as a miss: the cache must never fail a job.
    private func cachedBytes(_ key: String) async -> [UInt8]? {
        let now = Self.nowMs()
        if configuration.l1Bytes > 0 {
            if let hit = l1.value(for: key, nowMs: now) {
                counters.record { $0.l1Hits += 1 }
                return hit
            }
            counters.record { $0.l1Misses += 1 }
        }
        do {
            if let hit = try await store.cachedValue(key) {
                counters.record { $0.l2Hits += 1 }
                l1.set(hit, for: key, expiresAtMs: now + Int64(configuration.queriesTTLSeconds) * 1000)
                return hit
            }
            counters.record { $0.l2Misses += 1 }
        } catch {
            counters.record { $0.l2Errors += 1 }
        }
        return nil
    }

    private func remember(_ value: JSONValue, key: String, ttlSeconds: Int) async {
        var bytes: [UInt8] = []
        value.write(into: &bytes, sortedKeys: false)
        await rememberBytes(bytes, key: key, ttlSeconds: ttlSeconds)
    }

    /// Stores in both tiers. The key was computed before ranking, and versions only grow, so a value
    /// is never filed under a newer version than the index it came from.
    private func rememberBytes(_ bytes: [UInt8], key: String, ttlSeconds: Int) async {
        l1.set(bytes, for: key, expiresAtMs: Self.nowMs() + Int64(ttlSeconds) * 1000)
        let used = l1.usedBytes, entries = l1.count
        counters.record {
            $0.l1Bytes = used
            $0.l1Entries = entries
        }
        do {
            try await store.cache(bytes, for: key, ttlSeconds: ttlSeconds)
        } catch {
            counters.record { $0.l2Errors += 1 }
        }
    }

    /// Milliseconds on the monotonic clock since this process started: L1 expiry is relative, so
    /// wall-clock jumps must not expire or revive entries.
    static func nowMs() -> Int64 {
        let elapsed = (ContinuousClock.now - processStart).components
        return elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
    }

    private static let processStart = ContinuousClock.now
}
