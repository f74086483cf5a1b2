import Glibc
import DroverJSON
@testable import DroverCache
@testable import DroverRAG
import Testing

@Suite("Evaluation metrics")
struct RetrievalMetricsTests {
    @Test("recall@k, MRR and nDCG@k on a hand-computed example")
    func knownAnswers() {
        let m = RetrievalMetrics(rankings: [["a", "b"], ["x", "c", "d"]], labels: [["b"], ["c", "d"]], k: 2, latencyMs: 3)
        #expect(abs(m.recallAtK - 0.75) < 1e-12)       // (1 + 1/2) / 2
        #expect(abs(m.mrr - 0.5) < 1e-12)              // (1/2 + 1/2) / 2
        let q1 = 1 / log2(3.0)
        let q2 = (1 / log2(3.0)) / (1 + 1 / log2(3.0))
        #expect(abs(m.ndcgAtK - (q1 + q2) / 2) < 1e-12)
        #expect(m.k == 2)
        #expect(m.json["latencyMs"] == .double(3))
    }

    @Test("a perfect ranking scores 1 everywhere; an empty one 0")
    func bounds() {
        let perfect = RetrievalMetrics(rankings: [["a", "b"]], labels: [["a", "b"]], k: 10, latencyMs: 0)
        #expect(perfect.recallAtK == 1 && perfect.mrr == 1 && abs(perfect.ndcgAtK - 1) < 1e-12)
        let empty = RetrievalMetrics(rankings: [[]], labels: [["a"]], k: 10, latencyMs: 0)
        #expect(empty.recallAtK == 0 && empty.mrr == 0 && empty.ndcgAtK == 0)
    }
}

@Suite("Byte-bounded LRU cache")
struct ByteLRUCacheTests {
    @Test("evicts the least recently used entries to stay within its bytes")
    func evictsLeastRecentlyUsed() {
        // Each entry: 1-byte key + 100-byte value + overhead.
        let entry = 1 + 100 + ByteLRUCache.entryOverhead
        var cache = ByteLRUCache(capacityBytes: entry * 3)
        let value = [UInt8](repeating: 7, count: 100)
        for key in ["a", "b", "c"] { cache.set(value, for: key, expiresAtMs: 1_000) }
        #expect(cache.value(for: "a", nowMs: 0) != nil)  // a is now the most recent
        cache.set(value, for: "d", expiresAtMs: 1_000)   // evicts b
        #expect(cache.value(for: "b", nowMs: 0) == nil)
        #expect(cache.value(for: "a", nowMs: 0) != nil)
        #expect(cache.value(for: "c", nowMs: 0) != nil)
        #expect(cache.usedBytes == entry * 3)
        #expect(cache.count == 3)
    }

    @Test("expired entries are misses; values bigger than the cache are not stored")
    func expiryAndOversize() {
        var cache = ByteLRUCache(capacityBytes: 1_000)
        cache.set([1], for: "k", expiresAtMs: 10)
        #expect(cache.value(for: "k", nowMs: 9) == [1])
        #expect(cache.value(for: "k", nowMs: 10) == nil)
        cache.set([UInt8](repeating: 0, count: 2_000), for: "big", expiresAtMs: 100)
        #expect(cache.count == 0 && cache.usedBytes == 0)
    }
}
