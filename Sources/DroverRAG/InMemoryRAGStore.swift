import DroverCache
import DroverQueue

/// The store of `single` mode: one process, no Redis, nothing survives a restart.
public actor InMemoryRAGStore: RAGStore {
    private var version: Int64 = 0
    private var stored: [String: StoredDocument] = [:]
    private var changedAt: [String: Int64] = [:]
    private var locks: [String: (token: String, expiresAt: ContinuousClock.Instant)] = [:]
    private var states: [String: (state: String, error: String?)] = [:]
    private var asked: [[UInt8]: Int] = [:]
    private var cacheEntries: [String: (value: [UInt8], expiresAt: ContinuousClock.Instant)] = [:]
    private var generations: [String: Int64] = [:]

    public init() {}

    public func changes(since version: Int64) -> (version: Int64, changed: [String]) {
        (self.version, changedAt.filter { $0.value > version }.map(\.key))
    }

    public func documents(_ ids: [String]) -> [String: StoredDocument] {
        var out: [String: StoredDocument] = [:]
        for id in ids { out[id] = stored[id] }
        return out
    }

    public func allDocumentIDs() -> (version: Int64, ids: [String]) { (version, Array(stored.keys)) }

    public func contentHash(of id: String) -> String? { stored[id]?.contentHash }

    public func commit(_ document: StoredDocument) -> Int64 {
        version += 1
        var document = document
        document.version = version
        stored[document.id] = document
        changedAt[document.id] = version
        states[document.id] = nil
        return version
    }

    public func delete(_ id: String) -> Int64? {
        guard stored.removeValue(forKey: id) != nil else { return nil }
        version += 1
        changedAt[id] = version
        return version
    }

    public func lock(_ id: String, token: String, ttlMs: Int) -> Bool {
        let now = ContinuousClock.now
        if let held = locks[id], held.expiresAt > now, held.token != token { return false }
        locks[id] = (token, now + .milliseconds(ttlMs))
        return true
    }

    public func unlock(_ id: String, token: String) {
        if locks[id]?.token == token { locks[id] = nil }
    }

    public func markState(_ id: String, state: String, error: String?, ttlMs: Int) {
        states[id] = (state, error)
    }

    public func documentState(_ id: String) -> RAGDocumentState? {
        if let marked = states[id] {
            var state = stored[id].map(RAGDocumentState.init(indexed:)) ?? RAGDocumentState(state: marked.state, id: id)
            state.state = marked.state
            state.error = marked.error
            return state
        }
        return stored[id].map(RAGDocumentState.init(indexed:))
    }

    public func noteQuery(_ query: [UInt8]) {
        if asked.count >= Self.cachePruneThreshold { asked.removeAll() }
        asked[query, default: 0] += 1
    }

    public func popularQueries(limit: Int) -> [[UInt8]] {
        asked.sorted { $0.value > $1.value }.prefix(limit).map(\.key)
    }

    public func cachedValue(_ key: String) -> SharedCacheEntry? {
        let now = ContinuousClock.now
        guard let entry = cacheEntries[key], entry.expiresAt > now else { return nil }
        return SharedCacheEntry(value: entry.value, remainingMs: (entry.expiresAt - now).inMilliseconds)
    }

    public func generation(of scope: String) -> Int64 { generations[scope, default: 0] }

    public func advanceGeneration(of scope: String) -> Int64 {
        generations[scope, default: 0] += 1
        return generations[scope, default: 0]
    }

    public func cache(_ value: [UInt8], for key: String, ttlSeconds: Int) {
        // Expired entries go when the map doubles past the bound; the live ones must fit a single process anyway.
        if cacheEntries.count >= Self.cachePruneThreshold {
            let now = ContinuousClock.now
            cacheEntries = cacheEntries.filter { $0.value.expiresAt > now }
            if cacheEntries.count >= Self.cachePruneThreshold { cacheEntries.removeAll() }
        }
        cacheEntries[key] = (value, .now + .seconds(ttlSeconds))
    }

    /// Entries kept before expired ones are swept (and, if all are live, all dropped).
    static let cachePruneThreshold = 100_000
}

extension RAGDocumentState {
    /// The state of a committed document.
    public init(indexed document: StoredDocument) {
        self.init(state: "indexed", id: document.id, contentHash: document.contentHash, version: document.version,
                  chunks: document.chunks.count, source: document.source, url: document.url, updatedAtMs: document.updatedAtMs)
    }
}
