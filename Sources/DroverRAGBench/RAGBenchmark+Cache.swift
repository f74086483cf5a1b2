import DroverJSON
import Glibc
import DroverCache
import DroverRAG

extension RAGBenchmark {
    /// L1/L2 hit rates for a Zipf-shaped stream of (user, query) requests over four workers that
    /// share one store, routed sticky (user → worker) or at random.
    public func runCache() async throws -> [String] {
        var text = SyntheticText(seed: 7)
        let documents = (0..<500).map { i -> JSONValue in
            .object(["id": .string("c\(i)"), "text": .string(text.paragraph(characters: 2_000))])
        }
        let queries = (0..<2_000).map { _ in text.query() }
        var lines: [String] = []
        for sticky in [true, false] {
            let store = InMemoryRAGStore()
            let workers = (0..<4).map { _ in RAGEngine(store: store) }
            _ = try await workers[0].index(documents: .array(documents), deletes: [], lockToken: "bench", deadline: .now + .seconds(600)) { _ in }
            var random = SyntheticText(seed: 11)
            for _ in 0..<options.cacheRequests {
                let user = Self.zipf(&random, 500)
                let query = queries[Self.zipf(&random, queries.count)]
                let worker = sticky ? user % workers.count : Int(random.next() % UInt64(workers.count))
                _ = try await workers[worker].search(RAGQuery(text: query, caller: RAGCaller(userID: "u\(user)")))
            }
            var total = CacheTierStats()
            for worker in workers {
                let s = worker.counters.snapshot
                total.l1Hits += s.l1Hits
                total.l1Misses += s.l1Misses
                total.l2Hits += s.l2Hits
                total.l2Misses += s.l2Misses
            }
            let requests = Double(options.cacheRequests)
            lines.append("cache  \(sticky ? "sticky" : "random") routing, 4 workers, \(options.cacheRequests) requests (Zipf over 500 users × 2000 queries): L1 hit rate \(Self.format3(Double(total.l1Hits) / requests)), L2 hit rate (of L1 misses) \(Self.format3(Double(total.l2Hits) / Double(max(1, total.l2Hits + total.l2Misses)))), overall \(Self.format3(Double(total.l1Hits + total.l2Hits) / requests))")
        }
        return lines
    }

    /// A rank in 0..<n with probability ∝ 1/(rank+1).
    static func zipf(_ random: inout SyntheticText, _ n: Int) -> Int {
        let u = Double(random.next() >> 11) / Double(1 << 53)
        return max(0, min(n - 1, Int(pow(Double(n), u)) - 1))
    }
}
