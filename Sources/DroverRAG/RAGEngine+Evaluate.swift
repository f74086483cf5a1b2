import DroverJSON

extension RAGEngine {
    /// `evaluate`: runs each labelled query uncached (latency is the point) and scores the
    /// document rankings: `{recallAtK, mrr, ndcgAtK, k, latencyMs}` with `k = options.topK`.
    public func evaluate(_ labelled: [LabelledQuery], caller: RAGCaller, options: SearchOptions, retriever: Retriever) async throws -> RetrievalMetrics {
        try await refresh()
        var rankings: [[String]] = []
        var elapsed = Duration.zero
        let clock = ContinuousClock()
        for item in labelled {
            try Task.checkCancellation()
            let start = clock.now
            let hits = try await rank(RAGQuery(text: item.query, caller: caller, options: options, retriever: retriever))
            elapsed += clock.now - start
            rankings.append(hits.map(\.documentID))
        }
        let meanMs = labelled.isEmpty ? 0 : elapsed.milliseconds / Double(labelled.count)
        return RetrievalMetrics(rankings: rankings, labels: labelled.map(\.relevantIDs), k: options.topK, latencyMs: meanMs)
    }

    /// `batch`: every query's result, in query order; `ask` answers when `mode` is ask. The queries
    /// fan out as child tasks, so their cache and store round trips overlap.
    public func batch(_ queries: [RAGQuery], ask: Bool, deadline: ContinuousClock.Instant) async throws -> JSONValue {
        let results = try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
            for (i, query) in queries.enumerated() {
                group.addTask { (i, ask ? try await self.ask(query, deadline: deadline) : try await self.search(query)) }
            }
            var ordered = [JSONValue](repeating: .null, count: queries.count)
            for try await (i, result) in group { ordered[i] = result }
            return ordered
        }
        return .object(["results": .array(results)])
    }
}

extension Duration {
    var milliseconds: Double {
        let c = components
        return Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15
    }
}
